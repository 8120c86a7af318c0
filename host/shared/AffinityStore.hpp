// Conversation affinity shared between instances: one Redis string per conversation,
// aicore:affinity:<16 hex digits of the conversation key> = the deployment URL, expiring
// routing.affinity_ttl_s after the conversation's last turn (give or take half of it: below).
//
// Unlike cooldowns this is decided on the request path, because the answer decides where this
// very turn goes and a view one poll old would send the second turn of a conversation that
// started on a peer anywhere. But a round trip per turn is not needed either: with
// shared_state.client_cache (the default) a conversation this instance has read is answered from
// memory until Redis says it changed (AffinityCache.hpp: Redis's own client-side caching, exact
// up to the invalidation's travel time). So a turn costs a round trip when this instance has not
// seen its conversation since it last changed anywhere, and when Redis's copy is past half its
// TTL (the round trip restarts it); the turn that starts or moves a conversation queues a SET
// after its answer was sent, which AffinityWriter.hpp sends off the request thread. Without the
// cache (turned off, or a Redis that refuses CLIENT TRACKING) every turn asks GETEX, which also
// restarts the TTL. Requests without a conversation (affinity off for their plugin) never reach
// Redis. While Redis is down or slow the pool says Unavailable and the local entries decide
// (RedisPool.hpp bounds the wait).
//
// THREADS: safe to call from every request thread.
#pragma once

#include <atomic>
#include <memory>

#include "routing/Affinity.hpp"
#include "shared/AffinityCache.hpp"
#include "shared/AffinityWriter.hpp"
#include "shared/RedisPool.hpp"

namespace aicore::host::shared {

class AffinityStore : public AffinityPeers {
 public:
  // `reader_url`: the connection for invalidations; nullopt: no cache, GETEX on every turn.
  AffinityStore(std::shared_ptr<RedisPool> pool, std::optional<RedisUrl> reader_url = std::nullopt,
                std::chrono::milliseconds reader_timeout = std::chrono::milliseconds(1000),
                size_t max_entries = 100000);

  Found find(uint64_t key, std::chrono::seconds ttl, std::string& url) override;
  void remember(uint64_t key, const std::string& url, std::chrono::seconds ttl) override;

  // The Redis key of a conversation (tests and docs).
  static std::string redis_key(uint64_t conversation) { return affinity_redis_key(conversation); }
  // Conversations answered from memory now (tests).
  size_t cached() const { return entries_.size(); }

 private:
  Found getex_(uint64_t key, std::chrono::seconds ttl, std::string& url);
  Found tracked_(uint64_t key, std::chrono::seconds ttl, std::string& url, const InvalidationReader::Session& s,
                 bool refresh);
  bool track_(RedisConn& c, const InvalidationReader::Session& s);

  std::shared_ptr<RedisPool> pool_;
  AffinityWriter writer_;
  TrackedEntries entries_;
  std::unique_ptr<InvalidationReader> reader_;  // last: its thread uses entries_
  std::atomic<bool> refused_{false};            // Redis said no to CLIENT TRACKING: GETEX it is
};

}  // namespace aicore::host::shared

// Conversation affinity shared between instances: one Redis string per conversation,
// aicore:affinity:<16 hex digits of the conversation key> = the deployment URL, expiring
// routing.affinity_ttl_s after the conversation's last turn.
//
// Unlike cooldowns this is asked on the request path, because the answer decides where this very
// turn goes and a view one poll old would send the second turn of a conversation that started on
// a peer anywhere. It costs one round trip per request that carries a conversation (GETEX also
// restarts the TTL, so a turn that stays put writes nothing); the turn that starts or moves a
// conversation adds a SET after its answer was sent. Requests without a conversation (affinity
// off for their plugin) never reach Redis. While Redis is down or slow the pool says Unavailable
// and the local entries decide (RedisPool.hpp bounds the wait).
// THREADS: safe to call from every request thread.
#pragma once

#include <memory>

#include "routing/Affinity.hpp"
#include "shared/RedisPool.hpp"

namespace aicore::host::shared {

class AffinityStore : public AffinityPeers {
 public:
  explicit AffinityStore(std::shared_ptr<RedisPool> pool) : pool_(std::move(pool)) {}

  Found find(uint64_t key, std::chrono::seconds ttl, std::string& url) override;
  void remember(uint64_t key, const std::string& url, std::chrono::seconds ttl) override;

  // The Redis key of a conversation (tests and docs).
  static std::string redis_key(uint64_t conversation);

 private:
  std::shared_ptr<RedisPool> pool_;
};

}  // namespace aicore::host::shared

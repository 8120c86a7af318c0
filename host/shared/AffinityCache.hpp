// What this instance may answer from memory about conversations kept in Redis, without a round
// trip, and still exactly: Redis's client-side caching ("CLIENT TRACKING"). The request path's
// connections read a conversation with tracking on, redirected to one connection of ours that
// is subscribed to __redis__:invalidate; when any instance changes or deletes a key we read
// (a conversation moved, its TTL restarted, expired, FLUSHALL), Redis tells that connection and
// the entry is dropped here. So a turn answered from memory goes where Redis would have said, as
// of a moment ago (the invalidation's way over loopback or the network), not as of a poll ago.
//
// Nothing is trusted that could have missed an invalidation: entries belong to the reader's
// connection (its epoch); when that connection is lost, or has not been heard from for a while
// (it pings Redis every 250 ms when idle), every entry is dropped and lookups go to Redis again.
// A read races its own invalidation, so it marks the entry pending first and an invalidation
// that arrives before the reply cancels it (the pattern Redis's documentation describes).
//
// The TTL: a cached read restarts nothing, so an entry also says when Redis's copy passes half
// its TTL; the first turn after that asks Redis again and restarts it (PEXPIRE, which in turn
// drops the entry on every instance, which then reads it again once).
// THREADS: every member is safe to call concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "shared/RedisUrl.hpp"

namespace aicore::host::shared {

class RedisConn;

// The entries and their rules, without I/O (unit-tested on their own).
class TrackedEntries {
 public:
  using Clock = std::chrono::steady_clock;
  explicit TrackedEntries(size_t max_entries) : max_(max_entries) {}

  enum class Look { Hit, Refresh, Miss };
  // Hit: `url` is the conversation's deployment. Refresh: it is, but Redis's TTL wants restarting.
  Look find(uint64_t key, Clock::time_point now, std::string& url);

  // A read on a connection tracked for `epoch` begins: the token to end it with (0: the epoch is
  // not current, nothing will be kept).
  uint64_t begin(uint64_t key, uint64_t epoch);
  // Its reply: kept unless an invalidation (or a new epoch) came in between.
  void end(uint64_t key, uint64_t token, const std::string& url, Clock::time_point refresh_due);

  void invalidate(uint64_t key);
  // A new reader connection (or none: 0): every entry dropped, reads under the old epoch ignored.
  void reset(uint64_t epoch);
  uint64_t epoch() const;
  // The reader's liveness: entries answer only while it was heard from within `max_silence`.
  void heard(Clock::time_point t);
  void set_max_silence(std::chrono::milliseconds d) { max_silence_ = d; }
  size_t size() const;

 private:
  struct Entry {
    uint64_t token = 0;  // the read that fills it; 0 once filled
    std::string url;
    Clock::time_point refresh_due{};
  };
  mutable std::mutex mu_;
  const size_t max_;
  uint64_t epoch_ = 0;  // 0: no reader, nothing cached
  uint64_t next_token_ = 1;
  Clock::time_point heard_{};
  std::chrono::milliseconds max_silence_{1000};
  std::unordered_map<uint64_t, Entry> entries_;
};

// The reader: one connection subscribed to __redis__:invalidate, on its own thread, that keeps
// `entries` honest. tracking_id() is the CLIENT ID request connections redirect to.
class InvalidationReader {
 public:
  InvalidationReader(RedisUrl url, std::chrono::milliseconds timeout, TrackedEntries& entries);
  ~InvalidationReader();
  InvalidationReader(const InvalidationReader&) = delete;
  InvalidationReader& operator=(const InvalidationReader&) = delete;

  struct Session {
    int64_t client_id = 0;
    uint64_t epoch = 0;
  };
  std::optional<Session> session() const;

 private:
  void run_();
  void serve_(RedisConn& c, uint64_t epoch);

  const RedisUrl url_;
  const std::chrono::milliseconds timeout_;
  TrackedEntries& entries_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::optional<Session> session_;
  RedisConn* live_ = nullptr;  // guarded by mu_: shut down by the destructor to end a read
  std::thread thread_;
};

// The Redis key of a conversation, and back (nullopt: not one of ours).
std::string affinity_redis_key(uint64_t conversation);
std::optional<uint64_t> affinity_conversation(const std::string& redis_key);

}  // namespace aicore::host::shared

// Where conversations moved, written to Redis off the request thread. The turn that starts or
// moves a conversation has sent its answer by then, but its worker would still wait a round trip
// for the SET before serving the connection's next request; here it only queues the write. One
// thread writes whatever is queued in one pipelined round trip, at once (not on a poll): a
// conversation's next turn, seconds later, finds it in Redis. Best effort, as before: Redis away
// (the pool paused) drops the batch, and the instances that asked meanwhile followed their own
// memory. Bounded: beyond `max_queued` waiting writes the oldest go. Until a write is sent,
// pending() answers for it, so this instance's own next turn never reads the old value back.
// THREADS: put() is safe from every request thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "shared/RedisPool.hpp"

namespace aicore::host::shared {

class AffinityWriter {
 public:
  explicit AffinityWriter(std::shared_ptr<RedisPool> pool, size_t max_queued = 10000);
  ~AffinityWriter();  // writes what is queued (one try) and ends the thread
  AffinityWriter(const AffinityWriter&) = delete;
  AffinityWriter& operator=(const AffinityWriter&) = delete;

  // SET `key` `value` PX `ttl`, soon; `id` names the conversation for pending().
  void put(uint64_t id, std::string key, std::string value, std::chrono::milliseconds ttl);
  // The value queued for conversation `id` and not yet sent, if any.
  std::optional<std::string> pending(uint64_t id);

 private:
  struct Write {
    uint64_t id;
    std::string key, value;
    std::chrono::milliseconds ttl;
  };
  void run_();

  std::shared_ptr<RedisPool> pool_;
  const size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Write> queue_;
  std::unordered_map<uint64_t, std::string> pending_;  // id -> value, until sent
  bool stop_ = false;
  std::thread thread_;  // last: it uses the members above
};

}  // namespace aicore::host::shared

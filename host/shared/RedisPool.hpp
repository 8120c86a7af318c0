// Connections to Redis for the few decisions a request must take with its peers (today: which
// deployment a conversation is on). The background thread's RedisLink is not usable here: one
// request at a time may use a connection, and a request must never wait long for Redis.
//
// So: idle connections are kept (at most `max_idle`), a request borrows one or opens one, and
// every connect and reply is bounded by `timeout` (shared_state.lookup_timeout_ms). A failure
// drops the connection and makes the pool refuse for `pause`: while Redis is down or frozen, at
// most one request per pause waits for it, and every other one goes on with local state at once.
//
// A kept connection can be stale without Redis being down: Redis restarted, or closed it after
// its own idle `timeout`. Such a connection fails at once (reset, EOF), not after `timeout`; then
// every kept connection is dropped (a generation number also drops the ones lent out at the
// time when they come back) and the request tries once more on a new connection instead of
// pausing the pool. So `f` must be safe to run twice (GETEX and SET are).
// THREADS: run() is safe to call concurrently; the commands themselves run outside the lock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "shared/RedisConn.hpp"
#include "shared/RedisUrl.hpp"

namespace aicore::host::shared {

class RedisPool {
 public:
  using Clock = std::chrono::steady_clock;

  RedisPool(RedisUrl url, std::chrono::milliseconds timeout, size_t max_idle = 16,
            std::chrono::milliseconds pause = std::chrono::milliseconds(1000));

  // Runs `f` on a connection. false, without waiting, while the pool is paused; false after
  // waiting at most about `timeout` (twice when a kept connection was stale) when Redis did not
  // answer or `f` threw (the pause starts).
  bool run(const std::function<void(RedisConn&)>& f);

 private:
  struct Lent {
    std::unique_ptr<RedisConn> client;
    uint64_t generation = 0;
    bool kept = false;  // an idle connection, not one opened for this request
  };
  Lent borrow_();
  void give_back_(Lent lent);
  void drop_idle_();
  bool try_(const std::function<void(RedisConn&)>& f, bool& stale);

  const RedisUrl url_;
  const std::chrono::milliseconds timeout_;
  const size_t max_idle_;
  const std::chrono::milliseconds pause_;
  std::atomic<int64_t> paused_until_{0};  // steady-clock ns; 0: not paused
  std::mutex mu_;
  uint64_t generation_ = 0;  // guarded by mu_; bumped whenever the kept connections are dropped
  std::vector<std::unique_ptr<RedisConn>> idle_;
};

}  // namespace aicore::host::shared

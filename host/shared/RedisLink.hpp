// The one connection to Redis, used by the shared-state thread only (never by a request thread).
// It connects with AUTH and SELECT and bounded waits, backs off while Redis is unreachable
// (0.1 s doubling to 5 s), and logs an outage once when it starts and once when it ends. The
// password is sent in AUTH and appears nowhere else.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "shared/RedisConn.hpp"
#include "shared/RedisUrl.hpp"

namespace aicore::host::shared {

class RedisLink {
 public:
  using Clock = std::chrono::steady_clock;

  RedisLink(RedisUrl url, std::chrono::milliseconds timeout);

  // Runs `f` on a connected client, connecting first when needed (unless the back-off says not
  // yet). false when Redis is down or `f` failed on it (the connection is then dropped and the
  // outage begins). `fresh` is true on the first call after a connection was made.
  bool run(const std::function<void(RedisConn&, bool fresh)>& f);
  bool up() const { return client_ != nullptr; }

 private:
  bool connect_();
  void lost_(const std::string& why);

  RedisUrl url_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<RedisConn> client_;
  bool fresh_ = false;
  bool outage_ = false;  // logged as down; the next connection logs the return
  Clock::time_point down_since_{};
  Clock::time_point next_try_{};
  std::chrono::milliseconds backoff_{0};
};

}  // namespace aicore::host::shared

#include "shared/RedisPool.hpp"

#include <Poco/Exception.h>
#include <spdlog/spdlog.h>

#include "log/Log.hpp"
#include "shared/RedisLink.hpp"

namespace aicore::host::shared {
namespace {
int64_t ticks(RedisPool::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
}  // namespace

RedisPool::RedisPool(RedisUrl url, std::chrono::milliseconds timeout, size_t max_idle, std::chrono::milliseconds pause)
    : url_(std::move(url)), timeout_(timeout), max_idle_(max_idle), pause_(pause) {}

std::unique_ptr<Poco::Redis::Client> RedisPool::borrow_() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  return open_redis(url_, timeout_);
}

void RedisPool::give_back_(std::unique_ptr<Poco::Redis::Client> c) {
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
}

bool RedisPool::run(const std::function<void(Poco::Redis::Client&)>& f) {
  const int64_t now = ticks(Clock::now());
  int64_t until = paused_until_.load(std::memory_order_relaxed);
  if (until != 0) {
    if (now < until) return false;
    // The pause is over: this request alone tries Redis again; the others stay local until it
    // has an answer (a failure starts a new pause).
    if (!paused_until_.compare_exchange_strong(until, now + ticks(Clock::time_point(pause_)))) return false;
  }
  std::unique_ptr<Poco::Redis::Client> c;
  try {
    c = borrow_();
    f(*c);
  } catch (const std::exception& e) {
    // The connection may hold half a reply: it is dropped, never reused. So are the idle ones:
    // after a Redis restart they are all broken, and each would cost a pause to find out.
    paused_until_.store(ticks(Clock::now() + pause_), std::memory_order_relaxed);
    {
      std::lock_guard lock(mu_);
      idle_.clear();
    }
    spdlog::debug("shared state: a request's Redis lookup failed ({}): it used local state", redact(e.what()));
    return false;
  }
  if (until != 0) paused_until_.store(0, std::memory_order_relaxed);
  give_back_(std::move(c));
  return true;
}

}  // namespace aicore::host::shared

#include "shared/RedisPool.hpp"

#include <Poco/Exception.h>
#include <spdlog/spdlog.h>

#include "log/Log.hpp"

namespace aicore::host::shared {
namespace {
int64_t ticks(RedisPool::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
}  // namespace

RedisPool::RedisPool(RedisUrl url, std::chrono::milliseconds timeout, size_t max_idle, std::chrono::milliseconds pause)
    : url_(std::move(url)), timeout_(timeout), max_idle_(max_idle), pause_(pause) {}

RedisPool::Lent RedisPool::borrow_() {
  Lent lent;
  {
    std::lock_guard lock(mu_);
    lent.generation = generation_;
    if (!idle_.empty()) {
      lent.client = std::move(idle_.back());
      idle_.pop_back();
      lent.kept = true;
      return lent;
    }
  }
  lent.client = open_redis(url_, timeout_);
  return lent;
}

void RedisPool::give_back_(Lent lent) {
  std::lock_guard lock(mu_);
  // Lent out before the kept ones were dropped: it may be just as broken.
  if (lent.generation == generation_ && idle_.size() < max_idle_) idle_.push_back(std::move(lent.client));
}

void RedisPool::drop_idle_() {
  std::lock_guard lock(mu_);
  idle_.clear();
  ++generation_;
}

// One try. On failure, `stale` says whether it was a kept connection that failed well before
// the timeout: a connection Redis had closed, not a Redis that does not answer.
bool RedisPool::try_(const std::function<void(RedisConn&)>& f, bool& stale) {
  const auto t0 = Clock::now();
  Lent lent;
  try {
    lent = borrow_();
    f(*lent.client);
  } catch (const std::exception& e) {
    // The connection may hold half a reply: it is dropped, never reused. So are the idle ones:
    // after a Redis restart they are all broken, and each would cost a failure to find out.
    drop_idle_();
    stale = lent.kept && Clock::now() - t0 < timeout_ / 2;
    spdlog::debug("shared state: a request's Redis lookup failed ({}){}", redact(e.what()),
                  stale ? ": the kept connection was closed, trying a new one" : ": it used local state");
    return false;
  }
  give_back_(std::move(lent));
  return true;
}

bool RedisPool::run(const std::function<void(RedisConn&)>& f) {
  const int64_t now = ticks(Clock::now());
  int64_t until = paused_until_.load(std::memory_order_relaxed);
  if (until != 0) {
    if (now < until) return false;
    // The pause is over: this request alone tries Redis again; the others stay local until it
    // has an answer (a failure starts a new pause).
    if (!paused_until_.compare_exchange_strong(until, now + ticks(Clock::time_point(pause_)))) return false;
  }
  bool stale = false;
  bool ok = try_(f, stale);
  if (!ok && stale) ok = try_(f, stale);  // a new connection this time: `stale` stays false
  if (!ok) {
    paused_until_.store(ticks(Clock::now() + pause_), std::memory_order_relaxed);
    return false;
  }
  if (until != 0) paused_until_.store(0, std::memory_order_relaxed);
  return true;
}

}  // namespace aicore::host::shared

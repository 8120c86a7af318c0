// Which deployment a request tries next. Failover first — the next candidate that is not cooling
// down and was not tried in this round (A, B, C, never A, A, A) — and only when every candidate
// has been tried or is cooling: back off (exponential, with jitter) or wait for the first cooldown
// to end, within the request's deadline.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "balance/Balancer.hpp"
#include "balance/Cooldowns.hpp"
#include "config/Config.hpp"

namespace aicore::host {

class AttemptPlan {
 public:
  using Clock = std::chrono::steady_clock;

  AttemptPlan(std::vector<Target> targets, Cooldowns& cooldowns, const RetrySettings& settings);

  // The next target (already claimed in `cooldowns`), sleeping first when needed; nullopt when the
  // attempts or the deadline are used up, or when no candidate frees up within them.
  std::optional<Target> next();

  int attempts() const { return attempts_; }
  // retry.deadline_s from the plan's start: no attempt starts, and no wait ends, after it.
  Clock::time_point deadline() const { return deadline_; }
  // When giving up because everything cools down: how long until a deployment frees up.
  std::chrono::seconds retry_after() const { return retry_after_; }
  bool gave_up_cooling() const { return gave_up_cooling_; }

  // Sleeps used by next(); tests replace it.
  std::function<void(Clock::duration)> sleep = [](Clock::duration d) { std::this_thread::sleep_for(d); };

 private:
  bool fits_(Clock::duration wait) const;

  std::vector<Target> targets_;
  Cooldowns& cooldowns_;
  RetrySettings s_;
  Clock::time_point deadline_;
  std::vector<bool> tried_;
  size_t cursor_ = 0;
  int attempts_ = 0;
  int round_ = 0;
  std::chrono::seconds retry_after_{0};
  bool gave_up_cooling_ = false;
  // A std::random_device per request cost ~19 % of the proxy's CPU time at concurrency 64 (perf:
  // its initialisation runs CPUID, which traps to the hypervisor on a VM); one per thread seeds
  // the plans instead.
  static uint32_t seed() {
    thread_local std::minstd_rand seeder{std::random_device{}()};
    return static_cast<uint32_t>(seeder());
  }
  std::minstd_rand rng_{seed()};
};

}  // namespace aicore::host

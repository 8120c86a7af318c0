#include "retry/AttemptPlan.hpp"

#include <algorithm>
#include <thread>

namespace aicore::host {

using namespace std::chrono;

AttemptPlan::AttemptPlan(std::vector<Target> targets, Cooldowns& cooldowns, const RetrySettings& settings)
    : targets_(std::move(targets)),
      cooldowns_(cooldowns),
      s_(settings),
      deadline_(Clock::now() + seconds(settings.deadline_s)),
      tried_(targets_.size(), false) {}

bool AttemptPlan::fits_(Clock::duration wait) const {
  return wait <= milliseconds(s_.max_delay_ms) && Clock::now() + wait <= deadline_;
}

std::optional<Target> AttemptPlan::next() {
  const size_t n = targets_.size();
  if (n == 0 || attempts_ >= s_.max_attempts || Clock::now() >= deadline_) return std::nullopt;
  for (;;) {
    bool untried = false;
    for (size_t i = 0; i < n; ++i) {
      const size_t idx = (cursor_ + i) % n;
      if (tried_[idx]) continue;
      untried = true;
      if (!cooldowns_.try_acquire(targets_[idx].url)) continue;
      tried_[idx] = true;
      cursor_ = idx + 1;
      ++attempts_;
      return targets_[idx];
    }
    if (!untried) {
      // Every candidate failed once in this round: back off before the next round.
      ++round_;
      std::fill(tried_.begin(), tried_.end(), false);
      int64_t ms = std::min<int64_t>(s_.max_delay_ms, int64_t(s_.base_delay_ms) << std::min(round_ - 1, 16));
      ms = ms / 2 + int64_t(rng_() % uint64_t(ms / 2 + 1));  // jitter: spread synchronized retries
      if (Clock::now() + milliseconds(ms) > deadline_) return std::nullopt;
      if (ms > 0) sleep(milliseconds(ms));
      continue;
    }
    // What is left is cooling down (or being probed by another request): wait for it if that fits.
    std::vector<Target> left;
    for (size_t i = 0; i < n; ++i)
      if (!tried_[i]) left.push_back(targets_[i]);
    Clock::duration wait = cooldowns_.wait_for_any(left);
    if (wait == Clock::duration::zero()) wait = milliseconds(50);  // a probe is in flight elsewhere
    if (!fits_(wait)) {
      gave_up_cooling_ = true;
      retry_after_ = std::max(seconds(1), duration_cast<seconds>(wait + seconds(1) - milliseconds(1)));
      return std::nullopt;
    }
    sleep(wait);
  }
}

}  // namespace aicore::host

// A request's retry.deadline_s as its upstream calls see it. Until the answer starts reaching the
// client every wait of every attempt (connect, send, each read) ends by `until`, so failover,
// back-off and slow upstreams together never take longer than the deadline; once a stream is
// under way (`active` cleared) only upstream.read_timeout_s bounds the silence between events.
#pragma once

#include <algorithm>
#include <chrono>

namespace aicore::host {

struct CallDeadline {
  using Clock = std::chrono::steady_clock;

  Clock::time_point until = Clock::time_point::max();
  bool active = true;
  int seconds = 0;  // retry.deadline_s, for messages

  // `limit` capped by what is left of the deadline (zero or less: it has passed).
  Clock::duration cap(Clock::duration limit) const {
    if (!active) return limit;
    return std::min(limit, until - Clock::now());
  }
  bool passed() const { return active && Clock::now() >= until; }
};

}  // namespace aicore::host

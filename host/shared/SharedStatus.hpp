// Whether this instance is sharing its state right now, for GET /metrics
// (aicore_shared_state_redis_up): the log says when Redis goes away, the metric lets an alert
// say so too. Written by the shared-state thread, read at scrape time.
#pragma once

#include <atomic>

namespace aicore::host::shared {

struct SharedStatus {
  enum : int { NotConfigured = -1, Down = 0, Up = 1 };
  std::atomic<int> redis{NotConfigured};

  static SharedStatus& process() {
    static SharedStatus s;
    return s;
  }
};

}  // namespace aicore::host::shared

// The answer of GET /admin/stats: what the dashboard page draws, built from the counters the
// metrics, the balancer's cooldowns, the token cache, the quota book and RecentActivity already
// keep. Bounded whatever the traffic (docs/dashboard.md has the shape and the bounds).
#pragma once

#include <cstdint>
#include <string>

#include "runtime/RuntimeHolder.hpp"

namespace aicore::host::dashboard {

struct BuildFacts {
  std::string version;
  int64_t started_ms = 0;  // when the process started
};

std::string stats_json(const RuntimeHolder& holder, const Runtime& rt, const BuildFacts& build, int64_t now_ms);

// When this process started (Unix ms): set once, as static initialisation runs.
int64_t process_started_ms();

}  // namespace aicore::host::dashboard

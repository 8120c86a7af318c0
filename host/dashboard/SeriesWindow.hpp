// The dashboard's 15 minutes of history, by model: the differences of the metrics' cumulative
// counters between the ends of consecutive 10-second steps. A sampler closes each step as it ends
// (SeriesSampler); a reader adds the current, partial step from the counters as they are now.
// Nothing here touches the request path: it only reads what Metrics already counts.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "metrics/Metrics.hpp"

namespace aicore::host::dashboard {

using Totals = std::map<std::string, metrics::ModelCounts>;

class SeriesWindow {
 public:
  static constexpr int64_t kStepMs = 10'000;
  static constexpr size_t kPoints = 90;  // 15 minutes

  static int64_t step_of(int64_t unix_ms) { return unix_ms / kStepMs; }

  // Where the differences start (the counters when sampling began).
  void start(Totals cumulative);
  // The counters at the end of step `step`: what happened since the last close belongs to it.
  void close_step(int64_t step, const Totals& cumulative);

  // Each model's kPoints steps ending with `now_step` (oldest first); the last is the partial step
  // from the last close to `current`. Models with no request in the window are left out.
  std::map<std::string, std::vector<metrics::ModelCounts>> view(int64_t now_step, const Totals& current) const;

 private:
  static metrics::ModelCounts minus(const metrics::ModelCounts& now, const metrics::ModelCounts* before);
  static Totals differences(const Totals& now, const Totals& before);

  Totals last_;
  std::deque<std::pair<int64_t, Totals>> steps_;  // closed steps, oldest first, at most kPoints
};

// The q-quantile (0..1) of a histogram's bucket counts in milliseconds, interpolated linearly
// inside its bucket as Prometheus's histogram_quantile does; nullopt when it counts nothing. A
// quantile beyond the last bound is that bound.
std::optional<double> quantile_ms(double q, std::span<const uint64_t> counts, std::span<const double> bounds_s);

// Adds `b`'s counts into `a`.
void accumulate(metrics::ModelCounts& a, const metrics::ModelCounts& b);

}  // namespace aicore::host::dashboard

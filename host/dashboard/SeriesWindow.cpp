#include "dashboard/SeriesWindow.hpp"

#include <algorithm>

namespace aicore::host::dashboard {

void accumulate(metrics::ModelCounts& a, const metrics::ModelCounts& b) {
  a.requests += b.requests;
  a.errors += b.errors;
  if (a.latency.size() < b.latency.size()) a.latency.resize(b.latency.size(), 0);
  if (a.ttfb.size() < b.ttfb.size()) a.ttfb.resize(b.ttfb.size(), 0);
  for (size_t i = 0; i < b.latency.size(); ++i) a.latency[i] += b.latency[i];
  for (size_t i = 0; i < b.ttfb.size(); ++i) a.ttfb[i] += b.ttfb[i];
}

metrics::ModelCounts SeriesWindow::minus(const metrics::ModelCounts& now, const metrics::ModelCounts* before) {
  // Counters only grow; a smaller value (never expected) counts as no change rather than wrapping.
  auto sub = [](uint64_t a, uint64_t b) { return a > b ? a - b : 0; };
  metrics::ModelCounts d = now;
  if (!before) return d;
  d.requests = sub(now.requests, before->requests);
  d.errors = sub(now.errors, before->errors);
  for (size_t i = 0; i < d.latency.size() && i < before->latency.size(); ++i)
    d.latency[i] = sub(now.latency[i], before->latency[i]);
  for (size_t i = 0; i < d.ttfb.size() && i < before->ttfb.size(); ++i) d.ttfb[i] = sub(now.ttfb[i], before->ttfb[i]);
  return d;
}

Totals SeriesWindow::differences(const Totals& now, const Totals& before) {
  Totals out;
  for (const auto& [model, counts] : now) {
    const auto it = before.find(model);
    metrics::ModelCounts d = minus(counts, it == before.end() ? nullptr : &it->second);
    if (d.requests > 0) out.emplace(model, std::move(d));
  }
  return out;
}

void SeriesWindow::start(Totals cumulative) {
  last_ = std::move(cumulative);
  steps_.clear();
}

void SeriesWindow::close_step(int64_t step, const Totals& cumulative) {
  if (!steps_.empty() && step <= steps_.back().first) return;  // closed already (a clock step back)
  steps_.emplace_back(step, differences(cumulative, last_));
  last_ = cumulative;
  while (steps_.size() > kPoints) steps_.pop_front();
}

std::map<std::string, std::vector<metrics::ModelCounts>> SeriesWindow::view(int64_t now_step,
                                                                            const Totals& current) const {
  std::map<std::string, std::vector<metrics::ModelCounts>> out;
  const int64_t first = now_step - static_cast<int64_t>(kPoints) + 1;
  auto put = [&](int64_t step, const Totals& deltas) {
    if (step < first || step > now_step) return;
    for (const auto& [model, d] : deltas) {
      auto& points = out[model];
      if (points.empty()) points.resize(kPoints);
      accumulate(points[static_cast<size_t>(step - first)], d);
    }
  };
  for (const auto& [step, deltas] : steps_) put(step, deltas);
  put(now_step, differences(current, last_));  // what the current step has so far
  return out;
}

std::optional<double> quantile_ms(double q, std::span<const uint64_t> counts, std::span<const double> bounds_s) {
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  if (total == 0) return std::nullopt;
  const double rank = q * static_cast<double>(total);
  uint64_t below = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0 || static_cast<double>(below + counts[i]) < rank) {
      below += counts[i];
      continue;
    }
    if (i >= bounds_s.size()) break;  // beyond the last bound: report the bound
    const double lo = i == 0 ? 0.0 : bounds_s[i - 1];
    const double hi = bounds_s[i];
    const double within = (rank - static_cast<double>(below)) / static_cast<double>(counts[i]);
    return 1000.0 * (lo + (hi - lo) * std::clamp(within, 0.0, 1.0));
  }
  return bounds_s.empty() ? std::nullopt : std::optional<double>(1000.0 * bounds_s.back());
}

}  // namespace aicore::host::dashboard

// What the proxy counts for GET /metrics: requests, latencies, tokens, upstream attempts, token
// refreshes and open streams. One instance per process (it outlives a config reload, as
// Prometheus counters must); the request path records into it without a shared lock.
#pragma once

#include <aicore/usage.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/SeriesStore.hpp"

namespace aicore::host::metrics {

// How one finished model request is counted.
struct RequestFacts {
  std::string_view dialect, model, plugin, key;  // model: the configured model key, "" when none matched
  int status = 0;
  double seconds = 0;  // whole request
  double ttfb_s = -1;  // to the first byte of the answer; < 0: none was sent
  Usage usage;
};

// A model's requests summed over dialects, plugins and statuses: what the dashboard's time series
// are differences of.
struct ModelCounts {
  uint64_t requests = 0;
  uint64_t errors = 0;  // answered with a status >= 400
  // Histogram counts per bucket (not cumulative): one per bound of bucket_bounds(), one beyond.
  std::vector<uint64_t> latency, ttfb;
};

// What an upstream attempt said about its deployment, in the order of Outcome::Health
// (retry/Failover.hpp): the `outcome` label of aicore_upstream_attempts_total.
inline constexpr std::array<std::string_view, 4> kAttemptOutcomes = {"answered", "rate_limited", "failed",
                                                                     "no_verdict"};
// Upstream attempts of one deployment, by kAttemptOutcomes.
using AttemptCounts = std::array<uint64_t, kAttemptOutcomes.size()>;

class Metrics {
 public:
  static Metrics& process();

  void request(const RequestFacts& f);
  // One upstream call and what it said about the deployment (answered, rate_limited, failed,
  // no_verdict).
  void attempt(std::string_view subaccount, std::string_view deployment, std::string_view outcome);
  void token_refresh(std::string_view subaccount, bool ok);
  // A request refused by one of its key's quotas (`limit`: requests_per_minute, ...).
  void quota_rejection(std::string_view key, std::string_view limit);

  // Streams being relayed to clients now.
  std::atomic<int64_t> open_streams{0};
  // Usage rows the ledger could not keep (its queue was full, or the disk refused a batch).
  std::atomic<int64_t> ledger_dropped{0};

  // The counter and histogram families in the Prometheus text format.
  void render(std::string& out) const;

  // Summed over the threads now, keyed by model key ("" when no configured model matched).
  std::map<std::string, ModelCounts> model_counts() const;
  // Keyed by (subaccount, deployment id).
  std::map<std::pair<std::string, std::string>, AttemptCounts> attempt_counts() const;
  // The latency histograms' upper bounds, in seconds.
  static std::span<const double> bucket_bounds();

 private:
  SeriesStore store_;
};

// Counts a stream as open for its lifetime.
class OpenStream {
 public:
  OpenStream() { Metrics::process().open_streams.fetch_add(1, std::memory_order_relaxed); }
  ~OpenStream() { Metrics::process().open_streams.fetch_sub(1, std::memory_order_relaxed); }
  OpenStream(const OpenStream&) = delete;
  OpenStream& operator=(const OpenStream&) = delete;
};

}  // namespace aicore::host::metrics

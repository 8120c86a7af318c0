#include "metrics/Metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "metrics/TextFormat.hpp"

namespace aicore::host::metrics {
namespace {

// Seconds: from a fast cached answer to a long agent turn (the default deadline is 60 s, a
// stream may run for minutes).
constexpr std::array<double, 15> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
constexpr size_t kHistSlots = kBuckets.size() + 2;  // one per bucket, one beyond the last, the sum in µs

// Series keys: a family tag, then the label values, separated by a byte no config name holds.
constexpr char kSep = '\x1f';
constexpr std::string_view kTagStatus = "s";   // dialect, model, plugin, status
constexpr std::string_view kTagLatency = "l";  // dialect, model: duration histogram, then ttfb histogram
constexpr std::string_view kTagTokens = "t";   // key, model: five token types
constexpr std::string_view kTagAttempt = "a";  // subaccount, deployment, outcome
constexpr std::string_view kTagRefresh = "r";  // subaccount, outcome
constexpr std::string_view kTagQuota = "q";    // key, limit
constexpr std::array<std::string_view, 5> kTokenTypes = {"input", "output", "cache_read", "cache_write", "reasoning"};

std::string key_of(std::string_view tag, std::initializer_list<std::string_view> values) {
  std::string k(tag);
  for (auto v : values) {
    k += kSep;
    k += v;
  }
  return k;
}

std::vector<std::string_view> split(std::string_view key) {
  std::vector<std::string_view> parts;
  size_t start = key.find(kSep);
  while (start != std::string_view::npos) {
    const size_t next = key.find(kSep, start + 1);
    parts.push_back(key.substr(start + 1, next == std::string_view::npos ? std::string_view::npos : next - start - 1));
    start = next;
  }
  return parts;
}

void observe(SeriesStore::Slots slots, double seconds) {
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  slots[i].fetch_add(1, std::memory_order_relaxed);
  slots[kBuckets.size() + 1].fetch_add(static_cast<uint64_t>(std::llround(std::max(0.0, seconds) * 1e6)),
                                       std::memory_order_relaxed);
}

void render_histogram(std::string& out, std::string_view name, const Labels& labels, const uint64_t* slots) {
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  Labels with_le = labels;
  with_le.emplace_back("le", "");
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += slots[i];
    const std::string le = number(kBuckets[i]);
    with_le.back().second = le;
    sample(out, bucket, with_le, static_cast<double>(cumulative));
  }
  cumulative += slots[kBuckets.size()];
  with_le.back().second = "+Inf";
  sample(out, bucket, with_le, static_cast<double>(cumulative));
  sample(out, std::string(name) + "_sum", labels, static_cast<double>(slots[kBuckets.size() + 1]) / 1e6);
  sample(out, std::string(name) + "_count", labels, static_cast<double>(cumulative));
}

}  // namespace

Metrics& Metrics::process() {
  static Metrics m;
  return m;
}

void Metrics::request(const RequestFacts& f) {
  const std::string status = std::to_string(f.status);
  store_.slots(key_of(kTagStatus, {f.dialect, f.model, f.plugin, status}), 1)[0].fetch_add(1,
                                                                                           std::memory_order_relaxed);
  auto latency = store_.slots(key_of(kTagLatency, {f.dialect, f.model}), 2 * kHistSlots);
  observe(latency, f.seconds);
  if (f.ttfb_s >= 0) observe(latency + kHistSlots, f.ttfb_s);
  const std::array<int64_t, 5> counts = {f.usage.input_tokens, f.usage.output_tokens, f.usage.cache_read_tokens,
                                         f.usage.cache_write_tokens, f.usage.reasoning_tokens};
  if (std::none_of(counts.begin(), counts.end(), [](int64_t c) { return c > 0; })) return;
  auto tokens = store_.slots(key_of(kTagTokens, {f.key, f.model}), kTokenTypes.size());
  for (size_t i = 0; i < counts.size(); ++i)
    if (counts[i] > 0) tokens[i].fetch_add(static_cast<uint64_t>(counts[i]), std::memory_order_relaxed);
}

void Metrics::attempt(std::string_view subaccount, std::string_view deployment, std::string_view outcome) {
  store_.slots(key_of(kTagAttempt, {subaccount, deployment, outcome}), 1)[0].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::token_refresh(std::string_view subaccount, bool ok) {
  store_.slots(key_of(kTagRefresh, {subaccount, ok ? "success" : "failure"}), 1)[0].fetch_add(
      1, std::memory_order_relaxed);
}

void Metrics::quota_rejection(std::string_view key, std::string_view limit) {
  store_.slots(key_of(kTagQuota, {key, limit}), 1)[0].fetch_add(1, std::memory_order_relaxed);
}

std::span<const double> Metrics::bucket_bounds() { return kBuckets; }

std::map<std::string, ModelCounts> Metrics::model_counts() const {
  std::map<std::string, ModelCounts> out;
  auto slot_of = [](const std::string& model, std::map<std::string, ModelCounts>& m) -> ModelCounts& {
    ModelCounts& c = m[model];
    if (c.latency.empty()) {
      c.latency.assign(kBuckets.size() + 1, 0);
      c.ttfb.assign(kBuckets.size() + 1, 0);
    }
    return c;
  };
  for (const auto& [key, slots] : store_.snapshot(std::string(kTagStatus) + kSep)) {
    const auto l = split(key);  // dialect, model, plugin, status
    ModelCounts& c = slot_of(std::string(l[1]), out);
    c.requests += slots[0];
    if (l[3].size() == 3 && l[3] >= "400") c.errors += slots[0];
  }
  for (const auto& [key, slots] : store_.snapshot(std::string(kTagLatency) + kSep)) {
    const auto l = split(key);  // dialect, model
    ModelCounts& c = slot_of(std::string(l[1]), out);
    for (size_t i = 0; i <= kBuckets.size(); ++i) {
      c.latency[i] += slots[i];
      c.ttfb[i] += slots[kHistSlots + i];
    }
  }
  return out;
}

std::map<std::pair<std::string, std::string>, AttemptCounts> Metrics::attempt_counts() const {
  std::map<std::pair<std::string, std::string>, AttemptCounts> out;
  for (const auto& [key, slots] : store_.snapshot(std::string(kTagAttempt) + kSep)) {
    const auto l = split(key);  // subaccount, deployment, outcome
    const auto it = std::find(kAttemptOutcomes.begin(), kAttemptOutcomes.end(), l[2]);
    if (it == kAttemptOutcomes.end()) continue;
    out[{std::string(l[0]), std::string(l[1])}][static_cast<size_t>(it - kAttemptOutcomes.begin())] += slots[0];
  }
  return out;
}

void Metrics::render(std::string& out) const {
  auto each = [this](std::string_view tag, auto&& fn) {
    for (const auto& [key, slots] : store_.snapshot(std::string(tag) + kSep)) fn(split(key), slots);
  };

  family(out, "aicore_requests_total", "counter",
         "Model requests answered, by client dialect, model key (empty: no configured model matched), plugin and "
         "HTTP status.");
  each(kTagStatus, [&](const auto& l, const auto& s) {
    sample(out, "aicore_requests_total", {{"dialect", l[0]}, {"model", l[1]}, {"plugin", l[2]}, {"status", l[3]}},
           static_cast<double>(s[0]));
  });

  family(out, "aicore_request_duration_seconds", "histogram",
         "Time from a model request's arrival to the end of its answer (a stream's last byte).");
  each(kTagLatency, [&](const auto& l, const auto& s) {
    render_histogram(out, "aicore_request_duration_seconds", {{"dialect", l[0]}, {"model", l[1]}}, s.data());
  });
  family(out, "aicore_time_to_first_byte_seconds", "histogram",
         "Time from a model request's arrival to the first byte of its answer.");
  each(kTagLatency, [&](const auto& l, const auto& s) {
    render_histogram(out, "aicore_time_to_first_byte_seconds", {{"dialect", l[0]}, {"model", l[1]}},
                     s.data() + kHistSlots);
  });

  family(out, "aicore_tokens_total", "counter",
         "Tokens the upstream reported, by client key name, model key and type (input includes cache_read and "
         "cache_write; output includes reasoning).");
  each(kTagTokens, [&](const auto& l, const auto& s) {
    for (size_t i = 0; i < kTokenTypes.size(); ++i)
      sample(out, "aicore_tokens_total", {{"key", l[0]}, {"model", l[1]}, {"type", kTokenTypes[i]}},
             static_cast<double>(s[i]));
  });

  family(out, "aicore_upstream_attempts_total", "counter",
         "Upstream calls by subaccount, deployment id and what they said about the deployment (answered, "
         "rate_limited, failed, no_verdict).");
  each(kTagAttempt, [&](const auto& l, const auto& s) {
    sample(out, "aicore_upstream_attempts_total", {{"subaccount", l[0]}, {"deployment", l[1]}, {"outcome", l[2]}},
           static_cast<double>(s[0]));
  });

  family(out, "aicore_token_refreshes_total", "counter", "OAuth token fetches by subaccount and outcome.");
  each(kTagRefresh, [&](const auto& l, const auto& s) {
    sample(out, "aicore_token_refreshes_total", {{"subaccount", l[0]}, {"outcome", l[1]}}, static_cast<double>(s[0]));
  });

  family(out, "aicore_quota_rejections_total", "counter",
         "Requests refused with 429 because their key was over a quota, by key name and limit.");
  each(kTagQuota, [&](const auto& l, const auto& s) {
    sample(out, "aicore_quota_rejections_total", {{"key", l[0]}, {"limit", l[1]}}, static_cast<double>(s[0]));
  });

  family(out, "aicore_ledger_dropped_total", "counter",
         "Usage rows the ledger did not keep: its queue was full (usage.queue_size) or the disk refused a batch.");
  sample(out, "aicore_ledger_dropped_total", {}, static_cast<double>(ledger_dropped.load(std::memory_order_relaxed)));

  family(out, "aicore_open_streams", "gauge", "Streamed answers being relayed to clients now.");
  sample(out, "aicore_open_streams", {}, static_cast<double>(open_streams.load(std::memory_order_relaxed)));
}

}  // namespace aicore::host::metrics

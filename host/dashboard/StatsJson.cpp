#include "dashboard/StatsJson.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "dashboard/RecentActivity.hpp"
#include "dashboard/SeriesSampler.hpp"
#include "ledger/UsageRow.hpp"
#include "metrics/Metrics.hpp"
#include "server/AccessLog.hpp"  // deployment_id

namespace aicore::host::dashboard {
namespace {

using nlohmann::json;

constexpr size_t kMaxModels = 200;
constexpr size_t kMaxTokenRows = 500;
constexpr size_t kLastMinuteSteps = 6;

const int64_t kProcessStarted = unix_ms_now();

json round_ms(std::optional<double> ms) {
  if (!ms) return nullptr;
  return std::round(*ms * 10) / 10;  // 0.1 ms: finer than the buckets can tell
}

void percentiles(const metrics::ModelCounts& c, json& out) {
  const auto bounds = metrics::Metrics::bucket_bounds();
  out["p50_ms"] = round_ms(quantile_ms(0.50, c.latency, bounds));
  out["p95_ms"] = round_ms(quantile_ms(0.95, c.latency, bounds));
  out["p99_ms"] = round_ms(quantile_ms(0.99, c.latency, bounds));
  out["ttfb_p50_ms"] = round_ms(quantile_ms(0.50, c.ttfb, bounds));
}

json build_json(const RuntimeHolder& holder, const Runtime& rt, const BuildFacts& b, int64_t now_ms) {
  json plugins = json::array();
  for (const auto& r : rt.plugins.reports)
    plugins.push_back({{"name", r.name},
                       {"version", r.version},
                       {"abi", r.abi},
                       {"file", r.file},
                       {"status", r.status},
                       {"interfaces", r.interfaces}});
  return {
      {"version", b.version},
      {"started_ms", b.started_ms},
      {"uptime_s", std::max<int64_t>(0, (now_ms - b.started_ms) / 1000)},
      {"config_loaded_ms", rt.started_unix * 1000},
      {"reloads", holder.reloads.load(std::memory_order_relaxed)},
      {"listener", rt.config.host + ":" + std::to_string(holder.listener_port ? holder.listener_port : rt.config.port)},
      {"metrics_enabled", rt.config.metrics.enabled},
      {"ledger", rt.ledger != nullptr},
      {"plugins", std::move(plugins)}};
}

json models_json(const Runtime& rt, int64_t now_ms, int64_t& t0_ms) {
  auto totals = metrics::Metrics::process().model_counts();  // read once: the window and the totals agree
  const auto window = SeriesSampler::process().view(now_ms, totals, t0_ms);
  // Every model the config deploys is listed, with or without traffic yet.
  for (const auto& sub : rt.config.subaccounts)
    for (const auto& [model, urls] : sub.deployment_models) totals.try_emplace(model);
  json out = json::array();
  for (const auto& [model, counts] : totals) {
    if (out.size() >= kMaxModels) break;
    json m = {
        {"model", model.empty() ? "(no model)" : model}, {"requests", counts.requests}, {"errors", counts.errors}};
    json requests = json::array(), errors = json::array(), p50 = json::array(), p95 = json::array(),
         p99 = json::array(), ttfb = json::array();
    metrics::ModelCounts minute;
    if (const auto it = window.find(model); it != window.end()) {
      const auto& points = it->second;
      for (size_t i = 0; i < points.size(); ++i) {
        json p;
        percentiles(points[i], p);
        requests.push_back(points[i].requests);
        errors.push_back(points[i].errors);
        p50.push_back(p["p50_ms"]);
        p95.push_back(p["p95_ms"]);
        p99.push_back(p["p99_ms"]);
        ttfb.push_back(p["ttfb_p50_ms"]);
        if (i + kLastMinuteSteps >= points.size()) accumulate(minute, points[i]);
      }
    } else {
      for (size_t i = 0; i < SeriesWindow::kPoints; ++i) {
        requests.push_back(0);
        errors.push_back(0);
        for (json* a : {&p50, &p95, &p99, &ttfb}) a->push_back(nullptr);
      }
    }
    // The last minute: five whole steps and the current one so far.
    const double seconds =
        5 * SeriesWindow::kStepMs / 1000.0 + static_cast<double>(now_ms % SeriesWindow::kStepMs) / 1000.0;
    json last = {{"requests", minute.requests},
                 {"rps", std::round(static_cast<double>(minute.requests) / seconds * 100) / 100},
                 {"errors", minute.errors}};
    percentiles(minute, last);
    m["last_minute"] = std::move(last);
    m["series"] = {{"requests", std::move(requests)}, {"errors", std::move(errors)}, {"p50_ms", std::move(p50)},
                   {"p95_ms", std::move(p95)},        {"p99_ms", std::move(p99)},    {"ttfb_p50_ms", std::move(ttfb)}};
    out.push_back(std::move(m));
  }
  return out;
}

const char* phase_name(Cooldowns::Phase p) {
  switch (p) {
    case Cooldowns::Phase::Cooling: return "cooling";
    case Cooldowns::Phase::HalfOpen: return "half_open";
    default: return "healthy";
  }
}

json subaccounts_json(const Runtime& rt) {
  const auto attempts = metrics::Metrics::process().attempt_counts();
  const auto errors = RecentActivity::process().errors();
  uint64_t all_attempts = 0;
  for (const auto& [k, c] : attempts)
    for (uint64_t n : c) all_attempts += n;
  json out = json::array();
  for (const auto& sub : rt.config.subaccounts) {
    // One row per deployment, however many model keys it serves (in config order).
    std::vector<std::string> urls;
    std::map<std::string, std::vector<std::string>> models_of;
    for (const auto& [model, list] : sub.deployment_models)
      for (const auto& url : list) {
        if (!models_of.contains(url)) urls.push_back(url);
        models_of[url].push_back(model);
      }
    json deployments = json::array();
    for (const auto& url : urls) {
      const std::string id = deployment_id(url);
      const auto v = rt.cooldowns->view(url);
      metrics::AttemptCounts c{};
      if (const auto it = attempts.find({sub.name, id}); it != attempts.end()) c = it->second;
      const uint64_t total = c[0] + c[1] + c[2] + c[3];
      json recent = json::array();
      if (const auto it = errors.find({sub.name, id}); it != errors.end())
        for (const auto& e : it->second)
          recent.push_back(
              {{"time_ms", e.time_ms}, {"status", e.status}, {"outcome", e.outcome}, {"message", e.message}});
      const double cooling = std::chrono::duration<double>(v.remaining).count();
      deployments.push_back(
          {{"id", id},
           {"models", models_of[url]},
           {"state", phase_name(v.phase)},
           {"cooling_s", std::round(cooling * 10) / 10},
           {"attempts", total},
           {"share", all_attempts
                         ? std::round(static_cast<double>(total) / static_cast<double>(all_attempts) * 1000) / 1000
                         : 0.0},
           {"outcomes", {{"answered", c[0]}, {"rate_limited", c[1]}, {"failed", c[2]}, {"no_verdict", c[3]}}},
           {"recent_errors", std::move(recent)}});
    }
    const auto t = rt.tokens ? rt.tokens->status(sub.name) : TokenCache::Status{};
    json token = {
        {"state", t.has_token ? "valid"
                  : t.failing ? "failing"
                              : "none"},
        {"expires_in_s",
         t.has_token ? json(std::chrono::duration_cast<std::chrono::seconds>(t.expires_in).count()) : json(nullptr)},
        {"last_error", t.failing ? json(t.last_error) : json(nullptr)}};
    out.push_back({{"name", sub.name}, {"token", std::move(token)}, {"deployments", std::move(deployments)}});
  }
  return out;
}

json totals_json(const TokenTotals& t) {
  return {{"requests", t.requests},
          {"input", t.input},
          {"output", t.output},
          {"cache_read", t.cache_read},
          {"cache_write", t.cache_write}};
}

json tokens_json(int64_t now_ms) {
  auto rows = RecentActivity::process().totals(now_ms);
  auto weight = [](const RecentActivity::KeyModelTotals& r) { return r.month.input + r.month.output; };
  if (rows.size() > kMaxTokenRows) {  // the busiest this month
    std::nth_element(rows.begin(), rows.begin() + kMaxTokenRows, rows.end(),
                     [&](const auto& a, const auto& b) { return weight(a) > weight(b); });
    rows.resize(kMaxTokenRows);
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return std::tie(a.key, a.model) < std::tie(b.key, b.model); });
  }
  json out = json::array();
  for (const auto& r : rows)
    out.push_back(
        {{"key", r.key}, {"model", r.model}, {"today", totals_json(r.today)}, {"month", totals_json(r.month)}});
  return out;
}

json quotas_json(const Runtime& rt, int64_t now_ms) {
  json out = json::array();
  if (!rt.quotas) return out;
  auto limit = [](int64_t v) { return v > 0 ? json(v) : json(nullptr); };
  for (const auto& k : rt.config.client_keys) {
    if (!k.limits.any()) continue;
    const auto u = rt.quotas->used(k.name, now_ms);
    auto used = [](const QuotaBook::Used& x) {
      return json{{"requests_per_minute", x.requests_minute},
                  {"tokens_per_minute", x.tokens_minute},
                  {"tokens_per_day", x.tokens_day},
                  {"tokens_per_month", x.tokens_month}};
    };
    json q = {{"key", k.name},
              {"limits",
               {{"requests_per_minute", limit(k.limits.requests_per_minute)},
                {"tokens_per_minute", limit(k.limits.tokens_per_minute)},
                {"tokens_per_day", limit(k.limits.tokens_per_day)},
                {"tokens_per_month", limit(k.limits.tokens_per_month)}}},
              {"used", used(u.all)}};
    // Sharing through Redis: the part of `used` the other instances reported.
    if (u.peers_known) q["used_by_peers"] = used(u.peers);
    out.push_back(std::move(q));
  }
  return out;
}

json recent_json() {
  auto count = [](int64_t n) { return n >= 0 ? json(n) : json(nullptr); };
  json out = json::array();
  for (const auto& r : RecentActivity::process().recent())
    out.push_back({{"time_ms", r.time_ms},
                   {"request_id", r.request_id},
                   {"key", r.key},
                   {"dialect", r.dialect},
                   {"client_model", r.client_model},
                   {"model", r.model},
                   {"subaccount", r.subaccount},
                   {"deployment", r.deployment},
                   {"status", r.status},
                   {"attempts", r.attempts},
                   {"stream", r.stream},
                   {"latency_ms", std::round(r.latency_ms * 10) / 10},
                   {"ttfb_ms", r.ttfb_ms >= 0 ? json(std::round(r.ttfb_ms * 10) / 10) : json(nullptr)},
                   {"input_tokens", count(r.usage.input_tokens)},
                   {"output_tokens", count(r.usage.output_tokens)}});
  return out;
}

}  // namespace

int64_t process_started_ms() { return kProcessStarted; }

std::string stats_json(const RuntimeHolder& holder, const Runtime& rt, const BuildFacts& build, int64_t now_ms) {
  int64_t t0_ms = 0;
  json models = models_json(rt, now_ms, t0_ms);
  json j = {{"now_ms", now_ms},
            {"build", build_json(holder, rt, build, now_ms)},
            {"traffic",
             {{"in_flight", holder.in_flight.load(std::memory_order_relaxed)},
              {"open_streams", metrics::Metrics::process().open_streams.load(std::memory_order_relaxed)}}},
            {"window", {{"step_s", SeriesWindow::kStepMs / 1000}, {"points", SeriesWindow::kPoints}, {"t0_ms", t0_ms}}},
            {"models", std::move(models)},
            {"subaccounts", subaccounts_json(rt)},
            {"tokens", tokens_json(now_ms)},
            {"quotas", quotas_json(rt, now_ms)},
            {"recent", recent_json()}};
  // Names come from the config and upstream messages: replace invalid UTF-8 rather than throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace aicore::host::dashboard

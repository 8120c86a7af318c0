// The dashboard's data: percentiles from histogram buckets, the 15-minute window of step
// differences, the metrics summed by model and by deployment, the last requests and token totals
// (their day and month roll-over, and their rebuild from the ledger), the deployment and token
// states it shows, and the embedded page's files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "balance/Cooldowns.hpp"
#include "dashboard/ActivityRestore.hpp"
#include "dashboard/Assets.hpp"
#include "dashboard/RecentActivity.hpp"
#include "dashboard/SeriesWindow.hpp"
#include "ledger/LedgerDb.hpp"
#include "log/Log.hpp"
#include "metrics/Metrics.hpp"
#include "server/DashboardHandler.hpp"
#include "tokens/TokenCache.hpp"

using namespace aicore::host;
using namespace aicore::host::dashboard;
using metrics::ModelCounts;

namespace {

const size_t kSlots = metrics::Metrics::bucket_bounds().size() + 1;

ModelCounts counts(uint64_t requests, uint64_t errors, size_t bucket) {
  ModelCounts c;
  c.requests = requests;
  c.errors = errors;
  c.latency.assign(kSlots, 0);
  c.ttfb.assign(kSlots, 0);
  c.latency[bucket] = requests;
  c.ttfb[0] = requests;
  return c;
}

constexpr int64_t kDay = 86'400'000;
// 2026-12-31 23:00 UTC: the next hour is a new day, month and year.
constexpr int64_t kNewYearsEve = 1798758000000;

UsageRow row(const std::string& key, const std::string& model, int64_t t, int64_t in, int64_t out) {
  UsageRow r;
  r.time_ms = t;
  r.request_id = "req-" + std::to_string(t);
  r.key = key;
  r.dialect = "openai.chat";
  r.client_model = r.model = model;
  r.plugin = "openai";
  r.subaccount = "sub1";
  r.deployment = "d1";
  r.status = 200;
  r.attempts = 1;
  r.usage.input_tokens = in;
  r.usage.output_tokens = out;
  r.latency_ms = 12.5;
  return r;
}

}  // namespace

TEST(DashboardQuantile, InterpolatesInsideTheBucketLikeHistogramQuantile) {
  const std::vector<double> bounds = {0.01, 0.1, 1};
  // 100 in (0, 10 ms], 100 in (10, 100 ms]: the median is the top of the first bucket.
  const std::vector<uint64_t> c = {100, 100, 0, 0};
  EXPECT_DOUBLE_EQ(*quantile_ms(0.5, c, bounds), 10);
  EXPECT_DOUBLE_EQ(*quantile_ms(0.75, c, bounds), 55);  // halfway through (10, 100]
  EXPECT_DOUBLE_EQ(*quantile_ms(1.0, c, bounds), 100);
  EXPECT_FALSE(quantile_ms(0.5, std::vector<uint64_t>{0, 0, 0, 0}, bounds));
  // Beyond the last bound: the bound (Prometheus reports the last finite bucket's upper bound too).
  EXPECT_DOUBLE_EQ(*quantile_ms(0.99, std::vector<uint64_t>{0, 0, 0, 5}, bounds), 1000);
}

TEST(DashboardSeriesWindow, StepsHoldTheDifferencesAndTheCurrentStepIsPartial) {
  SeriesWindow w;
  w.start({{"m", counts(10, 1, 2)}});  // what happened before sampling began is not in the window
  w.close_step(100, {{"m", counts(13, 1, 2)}});
  w.close_step(101, {{"m", counts(13, 1, 2)}, {"n", counts(4, 4, 5)}});
  const auto v = w.view(102, {{"m", counts(20, 3, 2)}, {"n", counts(4, 4, 5)}});
  ASSERT_EQ(v.size(), 2u);
  const auto& m = v.at("m");
  ASSERT_EQ(m.size(), SeriesWindow::kPoints);
  EXPECT_EQ(m[SeriesWindow::kPoints - 3].requests, 3u);  // step 100
  EXPECT_EQ(m[SeriesWindow::kPoints - 2].requests, 0u);  // step 101: nothing for m
  EXPECT_EQ(m[SeriesWindow::kPoints - 1].requests, 7u);  // step 102 so far
  EXPECT_EQ(m[SeriesWindow::kPoints - 1].errors, 2u);
  EXPECT_EQ(m[SeriesWindow::kPoints - 1].latency[2], 7u);
  EXPECT_EQ(v.at("n")[SeriesWindow::kPoints - 2].errors, 4u);
  EXPECT_EQ(v.at("n")[SeriesWindow::kPoints - 1].requests, 0u);
}

TEST(DashboardSeriesWindow, KeepsFifteenMinutesAndDropsWhatIsOlder) {
  SeriesWindow w;
  w.start({});
  uint64_t total = 0;
  for (int64_t step = 0; step < 200; ++step) {
    total += 1;
    w.close_step(step, {{"m", counts(total, 0, 0)}});
  }
  const auto v = w.view(200, {{"m", counts(total, 0, 0)}});
  const auto& m = v.at("m");
  uint64_t in_window = 0;
  for (const auto& p : m) in_window += p.requests;
  EXPECT_EQ(in_window, SeriesWindow::kPoints - 1);  // steps 111..199, one request each; 200 has none
  // A model without requests in the window is left out; a step closed twice counts once.
  w.close_step(150, {{"m", counts(total + 50, 0, 0)}});
  EXPECT_EQ(w.view(1000, {{"m", counts(total, 0, 0)}}).size(), 0u);
}

TEST(DashboardMetrics, ModelCountsSumDialectsAndStatusesAttemptCountsByDeployment) {
  metrics::Metrics m;
  metrics::RequestFacts f;
  f.dialect = "openai.chat";
  f.model = "gpt-4o";
  f.plugin = "openai";
  f.status = 200;
  f.seconds = 0.02;
  f.ttfb_s = 0.004;
  m.request(f);
  f.dialect = "anthropic.messages";
  f.status = 429;
  f.seconds = 3;
  f.ttfb_s = -1;
  m.request(f);
  f.model = "";
  f.status = 404;
  m.request(f);
  const auto c = m.model_counts();
  ASSERT_EQ(c.size(), 2u);
  const auto& g = c.at("gpt-4o");
  EXPECT_EQ(g.requests, 2u);
  EXPECT_EQ(g.errors, 1u);
  EXPECT_EQ(g.latency[2], 1u);  // 0.02 s: in (0.01, 0.025]
  EXPECT_EQ(g.latency[9], 1u);  // 3 s: in (2.5, 5]
  EXPECT_EQ(g.ttfb[0], 1u);     // only the answer that sent a byte has a TTFB
  EXPECT_EQ(c.at("").errors, 1u);

  m.attempt("sub", "d1", "answered");
  m.attempt("sub", "d1", "rate_limited");
  m.attempt("sub", "d1", "rate_limited");
  m.attempt("sub", "d2", "no_verdict");
  const auto a = m.attempt_counts();
  EXPECT_EQ(a.at({"sub", "d1"}), (metrics::AttemptCounts{1, 2, 0, 0}));
  EXPECT_EQ(a.at({"sub", "d2"}), (metrics::AttemptCounts{0, 0, 0, 1}));
}

TEST(DashboardRecent, KeepsTheLastFiftyNewestFirst) {
  RecentActivity r;
  for (int i = 0; i < 60; ++i) r.request(row("alice", "gpt-4o", kNewYearsEve + i, 1, 1));
  const auto recent = r.recent();
  ASSERT_EQ(recent.size(), RecentActivity::kRecent);
  EXPECT_EQ(recent.front().time_ms, kNewYearsEve + 59);
  EXPECT_EQ(recent.back().time_ms, kNewYearsEve + 10);
}

TEST(DashboardRecent, TokenTotalsRollOverAtUtcMidnightAndMonthEnd) {
  RecentActivity r;
  r.request(row("alice", "gpt-4o", kNewYearsEve - kDay, 100, 10));  // Dec 30
  r.request(row("alice", "gpt-4o", kNewYearsEve, 5, 1));            // Dec 31
  r.request(row("bob", "claude", kNewYearsEve, 7, 0));
  auto t = r.totals(kNewYearsEve + 1000);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].key, "alice");
  EXPECT_EQ(t[0].today.input, 5);
  EXPECT_EQ(t[0].today.requests, 1);
  EXPECT_EQ(t[0].month.input, 105);
  EXPECT_EQ(t[0].month.output, 11);
  // An hour later it is January: nothing today, nothing this month, so nothing to show.
  EXPECT_TRUE(r.totals(kNewYearsEve + 3'600'000).empty());
  r.request(row("alice", "gpt-4o", kNewYearsEve + 3'600'000, 2, 2));
  t = r.totals(kNewYearsEve + 3'600'001);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].month.input, 2);
  EXPECT_EQ(t[0].today.input, 2);
}

TEST(DashboardRecent, UpstreamErrorsKeepTheLastFiveShortAndRedacted) {
  Redactor::instance().add("sk-dashboard-secret-1234");
  RecentActivity r;
  for (int i = 0; i < 7; ++i)
    r.upstream_error("sub", "d1", 500 + i, "failed",
                     "boom sk-dashboard-secret-1234 " + std::string(300, 'x'), kNewYearsEve + i);
  const auto e = r.errors().at({"sub", "d1"});
  ASSERT_EQ(e.size(), RecentActivity::kErrorsPerDeployment);
  EXPECT_EQ(e.front().status, 506);
  EXPECT_EQ(e.back().status, 502);
  EXPECT_EQ(e.front().message.find("sk-dashboard-secret"), std::string::npos);
  EXPECT_LE(e.front().message.size(), RecentActivity::kMessageChars);
}

TEST(DashboardRecent, RebuiltFromTheLedgerAfterARestart) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("dashboard-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string file = (dir / "usage.db").string();
  const int64_t now = unix_ms_now();
  const int64_t today = (now / kDay) * kDay;
  {
    LedgerDb db(file, LedgerDb::Mode::ReadWrite);
    std::vector<UsageRow> rows;
    rows.push_back(row("alice", "gpt-4o", today - 40 * kDay, 1000, 1000));  // an earlier month
    if (today - kDay >= utc_month_start_ms(now))                         // earlier this month
      rows.push_back(row("alice", "gpt-4o", today - kDay, 30, 3));
    for (int i = 0; i < 60; ++i) rows.push_back(row("alice", "gpt-4o", today + i, 1, 2));
    rows.push_back(row("bob", "claude", today + 100, 4, 4));
    db.insert(rows);
  }
  RecentActivity r;
  r.request(row("carol", "gpt-4o", now, 9, 9));  // served before the restore finished
  EXPECT_EQ(restore_activity(file, r, now), (today - kDay >= utc_month_start_ms(now) ? 62 : 61));
  const auto t = r.totals(now);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].key, "alice");
  EXPECT_EQ(t[0].today.requests, 60);
  EXPECT_EQ(t[0].today.input, 60);
  EXPECT_EQ(t[0].month.input, today - kDay >= utc_month_start_ms(now) ? 90 : 60);
  EXPECT_EQ(t[1].key, "bob");
  EXPECT_EQ(t[2].key, "carol");
  EXPECT_EQ(t[2].today.input, 9);
  const auto recent = r.recent();
  ASSERT_EQ(recent.size(), RecentActivity::kRecent);
  EXPECT_EQ(recent[0].key, "carol");  // newest first: what was served since the start
  EXPECT_EQ(recent[1].key, "bob");
  EXPECT_EQ(recent[1].usage.input_tokens, 4);
  EXPECT_DOUBLE_EQ(recent[1].latency_ms, 12.5);
  EXPECT_EQ(recent[1].ttfb_ms, -1);
  fs::remove_all(dir);
}

TEST(DashboardStates, CooldownViewIsHealthyCoolingThenHalfOpen) {
  Cooldowns::Clock::time_point t{std::chrono::seconds(1000)};
  RetrySettings s;
  s.max_cooldown_s = 60;
  Cooldowns cd(s, [&t] { return t; });
  EXPECT_EQ(cd.view("A").phase, Cooldowns::Phase::Healthy);
  cd.rate_limited("A", std::chrono::seconds(30));
  auto v = cd.view("A");
  EXPECT_EQ(v.phase, Cooldowns::Phase::Cooling);
  EXPECT_EQ(v.remaining, std::chrono::seconds(30));
  t += std::chrono::seconds(31);
  EXPECT_EQ(cd.view("A").phase, Cooldowns::Phase::HalfOpen);
  ASSERT_TRUE(cd.try_acquire("A"));  // the probe
  cd.succeeded("A");
  EXPECT_EQ(cd.view("A").phase, Cooldowns::Phase::Healthy);
}

TEST(DashboardStates, TokenStatusShowsLifeLeftAndTheLastFailure) {
  TokenCache::Clock::time_point t{std::chrono::seconds(1000)};
  TokenCache cache([&t] { return t; });
  EXPECT_FALSE(cache.status("k").has_token);
  cache.get("k", [] { return FetchedToken{"tok", 3600}; });
  t += std::chrono::seconds(600);
  auto s = cache.status("k");
  EXPECT_TRUE(s.has_token);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(s.expires_in).count(), 3000);
  EXPECT_FALSE(s.failing);
  EXPECT_THROW(cache.get("other", []() -> FetchedToken { throw TokenError("token endpoint said 401"); }), TokenError);
  s = cache.status("other");
  EXPECT_FALSE(s.has_token);
  EXPECT_TRUE(s.failing);
  EXPECT_EQ(s.last_error, "token endpoint said 401");
}

TEST(DashboardAssets, ThePageIsEmbeddedAndKeepsToItsContentSecurityPolicy) {
  for (const char* f : {"index.html", "app.js", "app.css", "icon.svg"}) {
    const auto a = asset(f);
    ASSERT_TRUE(a) << f;
    EXPECT_GT(a->size(), 100u) << f;
    // Nothing from another origin (the CSP would block it; the page must work offline). The SVG
    // namespace is a name, not an address.
    std::string text(*a);
    for (size_t p; (p = text.find("http://www.w3.org/2000/svg")) != std::string::npos;) text.erase(p, 26);
    EXPECT_EQ(text.find("http://"), std::string::npos) << f;
    EXPECT_EQ(text.find("https://"), std::string::npos) << f;
  }
  const std::string_view html = *asset("index.html");
  EXPECT_NE(html.find("src=\"/dashboard/app.js\""), std::string_view::npos);
  EXPECT_NE(html.find("href=\"/dashboard/app.css\""), std::string_view::npos);
  EXPECT_EQ(html.find("<script>"), std::string_view::npos);  // no inline script
  EXPECT_EQ(html.find("<style"), std::string_view::npos);    // no inline style
  EXPECT_EQ(html.find("style=\""), std::string_view::npos);
  EXPECT_EQ(asset("nope.js"), std::nullopt);
  EXPECT_EQ(dashboard_asset_for("/dashboard"), "index.html");
  EXPECT_EQ(dashboard_asset_for("/dashboard/app.js"), "app.js");
  EXPECT_EQ(dashboard_asset_for("/dashboard/../etc/passwd"), "");
  EXPECT_EQ(dashboard_asset_for("/dashboards"), "");
}

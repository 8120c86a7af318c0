// What metrics, quotas, the usage ledger and the dashboard add to one request, measured in-process with the
// proxy's own code (bench/usage-cost.sh runs it before its end-to-end A/B, whose noise on a shared
// machine is larger than the few microseconds in question).
//
//   aicore-bench-usage-cost [REQUESTS_PER_THREAD] [THREADS]     defaults: 200000, 2
//
// Every thread finishes REQUESTS_PER_THREAD requests the way ProxyHandler does: the access
// record it has anyway (the baseline), then, per part, what the part adds: metrics (request +
// one upstream attempt), quotas (estimate the body's tokens, admit, settle), ledger (usage_row
// + record), dashboard (usage_row + the last requests and token totals; its time series only read
// the metrics). The cost is the process's CPU time, the ledger's writer thread included (timed
// until every row is written), per request, minus the baseline's: CPU, not wall time, so the
// figure holds whatever else the machine runs.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "dashboard/RecentActivity.hpp"
#include "ledger/Ledger.hpp"
#include "metrics/Metrics.hpp"
#include "quota/QuotaBook.hpp"
#include "quota/TokenEstimate.hpp"
#include "server/AccessLog.hpp"

namespace fs = std::filesystem;
using namespace aicore::host;

namespace {

constexpr const char* kBody =
    R"({"model":"gpt-4o","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":)"
    R"("Summarise the benefits of connection reuse for an HTTP gateway in front of a model API in one line."}]})";

enum Part : unsigned { kMetrics = 1, kQuotas = 2, kLedger = 4, kDashboard = 8, kAll = 15 };

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Sinks {
  QuotaBook quotas;
  KeyLimits limits;
  std::unique_ptr<Ledger> ledger;
};

// One request's end, as ProxyHandler::handleRequest has it.
void finish(unsigned parts, Sinks& s, int i) {
  AccessRecord rec;
  rec.id = "req-" + std::to_string(i);
  rec.method = "POST";
  rec.path = "/v1/chat/completions";
  rec.dialect = "openai-chat";
  rec.model = "gpt-4o";
  rec.plugin = "openai";
  rec.subaccount = "a";
  rec.deployment = "d-gpt4o";
  rec.key = "bench";
  rec.status = 200;
  rec.attempts = 1;
  Usage u;
  u.input_tokens = 31;
  u.output_tokens = 12;
  rec.record_usage(u);
  QuotaCharge charge;
  if (parts & kQuotas) {
    const int64_t estimate = estimate_input_tokens(kBody);
    if (!s.quotas.admit(rec.key, s.limits, estimate, unix_ms_now(), charge).ok) std::abort();
  }
  if (parts & kMetrics) {
    metrics::Metrics::process().attempt(rec.subaccount, rec.deployment, "answered");
    metrics::RequestFacts f;
    f.dialect = rec.dialect;
    f.model = rec.model;
    f.plugin = rec.plugin;
    f.key = rec.key;
    f.status = rec.status;
    f.seconds = 0.0002;
    f.ttfb_s = 0.0001;
    f.usage = rec.usage;
    metrics::Metrics::process().request(f);
  }
  if (parts & kQuotas) s.quotas.settle(rec.key, charge, quota_tokens(rec.usage), unix_ms_now());
  if (!(parts & (kLedger | kDashboard))) return;
  UsageRow row = usage_row(rec, rec.model);  // one row for both, as ProxyHandler builds it
  if (parts & kDashboard) dashboard::RecentActivity::process().request(row);
  if ((parts & kLedger) && !s.ledger->record(std::move(row))) std::abort();
}

// CPU seconds per request for `parts`, over `threads` × `n` requests.
double run(unsigned parts, int threads, int n, const fs::path& dir) {
  Sinks s;
  s.limits.requests_per_minute = 1000000;
  s.limits.tokens_per_minute = s.limits.tokens_per_day = int64_t(1) << 40;
  if (parts & kLedger) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    UsageSettings u;
    u.file = (dir / "usage.db").string();
    u.queue_size = 10000000;  // every row is written: the writer's whole cost is counted
    s.ledger = std::make_unique<Ledger>(u);
  }
  const double t0 = cpu_seconds();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < n; ++i) finish(parts, s, t * n + i);
    });
  for (auto& th : pool) th.join();
  if (s.ledger) {
    s.ledger->flush();
    if (s.ledger->written() != int64_t(threads) * n) std::abort();
  }
  return (cpu_seconds() - t0) / (double(threads) * n);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 200000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  if (n <= 0 || threads <= 0) {
    std::fprintf(stderr, "usage: aicore-bench-usage-cost [REQUESTS_PER_THREAD] [THREADS]\n");
    return 2;
  }
  const fs::path dir = fs::temp_directory_path() / ("aicore-usage-cost-" + std::to_string(::getpid()));
  struct Case {
    const char* name;
    unsigned parts;
  };
  const Case cases[] = {
      {"metrics", kMetrics}, {"quotas", kQuotas}, {"ledger", kLedger}, {"dashboard", kDashboard}, {"all four", kAll}};
  run(0, threads, n / 10, dir);  // warm-up: allocator, metric series, page cache
  std::printf("%d threads x %d requests; CPU per request, the ledger's writer included\n", threads, n);
  for (const Case& c : cases) {
    // The baseline runs next to each case, so drift on the machine hits both alike.
    const double base = run(0, threads, n, dir);
    const double with = run(c.parts, threads, n, dir);
    std::printf("  %-10s baseline %6.2f us, with %6.2f us: adds %5.2f us\n", c.name, base * 1e6, with * 1e6,
                (with - base) * 1e6);
    if (c.parts == kAll) std::printf("ADDED_US %.2f\n", (with - base) * 1e6);  // for bench/usage-cost.sh
  }
  fs::remove_all(dir);
  return 0;
}

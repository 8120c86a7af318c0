// The usage ledger: rows written in batches by the background writer, the bounded queue's
// overflow counted, retention, the report's grouping, time parsing and output formats, and the
// quota counters rebuilt from the file.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/UsageCommand.hpp"
#include "ledger/Ledger.hpp"
#include "ledger/UsageReport.hpp"
#include "metrics/Metrics.hpp"
#include "quota/QuotaRestore.hpp"

using namespace aicore::host;
namespace fs = std::filesystem;

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("ledger-test-" + std::to_string(::getpid()) + "-" + std::to_string(now_ms()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

UsageRow row(const std::string& key, const std::string& model, int status, int64_t in, int64_t out, int64_t t) {
  UsageRow r;
  r.time_ms = t;
  r.request_id = "req-" + std::to_string(t);
  r.key = key;
  r.dialect = "openai.chat";
  r.client_model = model;
  r.model = model;
  r.plugin = "openai";
  r.subaccount = "sub1";
  r.deployment = "d1";
  r.status = status;
  r.attempts = 1;
  r.usage.input_tokens = in;
  r.usage.output_tokens = out;
  r.latency_ms = 10;
  return r;
}

UsageSettings settings(const fs::path& dir) {
  UsageSettings s;
  s.file = (dir / "usage.db").string();
  s.flush_interval_ms = 50;
  return s;
}

}  // namespace

TEST(Ledger, WritesBatchesAndReportsGroups) {
  TempDir dir;
  const int64_t t = now_ms();
  {
    Ledger ledger(settings(dir.path));
    EXPECT_TRUE(ledger.record(row("alice", "gpt-4o", 200, 100, 20, t - 3000)));
    EXPECT_TRUE(ledger.record(row("alice", "gpt-4o", 200, 50, 5, t - 2000)));
    EXPECT_TRUE(ledger.record(row("bob", "claude", 429, -1, -1, t - 1000)));
    EXPECT_TRUE(ledger.record(row("alice", "claude", 200, 7, 3, t - 10 * 86400000LL)));  // outside 7d
    ledger.flush();
    EXPECT_EQ(ledger.written(), 4);
  }
  const LedgerDb db(settings(dir.path).file, LedgerDb::Mode::ReadOnly);
  const UsageQuery q = parse_usage_query("7d", "", "key,model", t + 1);
  const auto groups = run_usage_query(db, q);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].values, (std::vector<std::string>{"alice", "gpt-4o"}));
  EXPECT_EQ(groups[0].requests, 2);
  EXPECT_EQ(groups[0].input_tokens, 150);
  EXPECT_EQ(groups[0].output_tokens, 25);
  EXPECT_EQ(groups[1].values, (std::vector<std::string>{"bob", "claude"}));
  EXPECT_EQ(groups[1].errors, 1);
  EXPECT_EQ(groups[1].input_tokens, 0);  // unknown counts are NULL, summed as nothing

  const auto j = nlohmann::json::parse(usage_json(q, groups));
  EXPECT_EQ(j["by"], nlohmann::json::parse(R"(["key","model"])"));
  EXPECT_EQ(j["rows"][0]["key"], "alice");
  EXPECT_EQ(j["rows"][0]["input_tokens"], 150);
  EXPECT_EQ(j["total"]["requests"], 3);
  EXPECT_EQ(j["total"]["errors"], 1);
  const std::string csv = usage_csv(q, groups);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "key,model,requests,errors,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,"
            "reasoning_tokens,avg_latency_ms");
  EXPECT_NE(csv.find("alice,gpt-4o,2,0,150,25,0,0,0,10.0\r\n"), std::string::npos) << csv;
  const std::string table = usage_table(q, groups);
  EXPECT_NE(table.find("total"), std::string::npos) << table;

  // No grouping: one total row; 30d includes the old row.
  const auto all = run_usage_query(db, parse_usage_query("30d", "", "", t + 1));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].requests, 4);
  EXPECT_EQ(all[0].input_tokens, 157);
}

TEST(Ledger, FullQueueDropsAndCounts) {
  TempDir dir;
  UsageSettings s = settings(dir.path);
  s.queue_size = 3;
  s.flush_interval_ms = 60000;  // the writer sleeps: the queue fills
  const int64_t before = metrics::Metrics::process().ledger_dropped.load();
  Ledger ledger(s);
  int kept = 0;
  for (int i = 0; i < 10; ++i) kept += ledger.record(row("k", "m", 200, 1, 1, now_ms())) ? 1 : 0;
  EXPECT_EQ(kept, 3);
  EXPECT_EQ(ledger.dropped(), 7);
  EXPECT_EQ(metrics::Metrics::process().ledger_dropped.load() - before, 7);
  ledger.flush();
  EXPECT_EQ(ledger.written(), 3);
}

TEST(Ledger, RetentionPrunesOldRowsAtOpen) {
  TempDir dir;
  const int64_t t = now_ms();
  {
    UsageSettings s = settings(dir.path);
    s.retention_days = 0;  // keep everything while writing
    Ledger ledger(s);
    ledger.record(row("k", "m", 200, 1, 1, t - 40 * 86400000LL));
    ledger.record(row("k", "m", 200, 1, 1, t - 1000));
    ledger.flush();
  }
  UsageSettings s = settings(dir.path);
  s.retention_days = 30;
  { Ledger ledger(s); }
  const LedgerDb db(s.file, LedgerDb::Mode::ReadOnly);
  EXPECT_EQ(run_usage_query(db, parse_usage_query("365d", "", "", t + 1)).at(0).requests, 1);
}

TEST(Ledger, QueryParsing) {
  const int64_t now = 1796551200000;  // 2026-12-06T10:00:00Z
  EXPECT_EQ(parse_usage_query("7d", "", "", now).since_ms, now - 7 * 86400000LL);
  EXPECT_EQ(parse_usage_query("90s", "", "", now).since_ms, now - 90000);
  EXPECT_EQ(parse_usage_query("2w", "", "", now).since_ms, now - 14 * 86400000LL);
  EXPECT_EQ(parse_usage_query("2026-12-01", "", "", now).since_ms, 1796083200000);
  EXPECT_EQ(parse_usage_query("2026-12-01T10:00:00Z", "", "", now).since_ms, 1796083200000 + 36000000);
  EXPECT_EQ(parse_usage_query("1796083200", "", "", now).since_ms, 1796083200000);
  EXPECT_EQ(parse_usage_query("", "", "", now).since_ms, now - 86400000);
  EXPECT_EQ(parse_usage_query("1d", "2026-12-06", "", now).until_ms, 1796515200000);
  EXPECT_EQ(parse_usage_query("1d", "", " key , model,key", now).by, (std::vector<std::string>{"key", "model"}));
  EXPECT_EQ(iso_utc(now), "2026-12-06T10:00:00Z");
  for (const char* bad : {"7x", "yesterday", "2026-13-01", "2026-12-01T25:00:00Z", "-1d", "99999999999999999999"})
    EXPECT_THROW(parse_usage_query(bad, "", "", now), UsageQueryError) << bad;
  EXPECT_THROW(parse_usage_query("1d", "", "key,password", now), UsageQueryError);
  EXPECT_THROW(parse_usage_query("1d", "", "key;DROP TABLE requests", now), UsageQueryError);
  EXPECT_THROW(parse_usage_query("1d", "2026-12-01", "", now), UsageQueryError);  // until before since
}

TEST(Ledger, QuotaCountersRebuiltFromTheFile) {
  TempDir dir;
  const int64_t t = now_ms();
  {
    Ledger ledger(settings(dir.path));
    ledger.record(row("alice", "m", 200, 100, 10, t - 5000));
    ledger.record(row("alice", "m", 200, 200, 20, t - 4000));
    UsageRow refused = row("alice", "m", 429, -1, -1, t - 3000);
    refused.attempts = 0;  // a quota refusal: never admitted, not a request of the window
    ledger.record(refused);
    ledger.record(row("bob", "m", 200, 1, 1, t - 40 * 86400000LL));  // another month
    ledger.flush();
  }
  QuotaBook book;
  EXPECT_EQ(restore_quotas(settings(dir.path).file, book), 2);  // the refusal and last month left out
  const auto u = book.used("alice", now_ms()).all;
  EXPECT_EQ(u.requests_minute, 2);
  EXPECT_EQ(u.tokens_minute, 330);
  EXPECT_EQ(u.tokens_month, 330);
  EXPECT_EQ(book.used("bob", now_ms()).all.tokens_month, 0);
}

TEST(Ledger, UsageCommand) {
  TempDir dir;
  const fs::path cfg = dir.path / "config.json";
  {
    std::ofstream(cfg) << R"({"subAccounts":{"a":{"service_key":{"clientid":"c","clientsecret":"s","url":"https://x",
      "serviceurls":{"AI_API_URL":"https://y"}},"deployment_models":{"gpt-4o":["https://y/d/1"]}}}})";
  }
  std::ostringstream out, err;
  EXPECT_EQ(usage_command({"--config", cfg.string()}, out, err), 1);
  EXPECT_NE(err.str().find("no usage recorded yet"), std::string::npos) << err.str();
  {
    UsageSettings s;
    s.file = (dir.path / "usage.db").string();
    Ledger ledger(s);
    ledger.record(row("alice", "gpt-4o", 200, 10, 2, now_ms()));
  }
  out.str("");
  EXPECT_EQ(usage_command({"--config", cfg.string(), "--since=1h", "--by", "key", "--format", "json"}, out, err), 0);
  const auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["rows"][0]["key"], "alice");
  EXPECT_EQ(j["rows"][0]["output_tokens"], 2);
  err.str("");
  EXPECT_EQ(usage_command({"--config", cfg.string(), "--by", "nope"}, out, err), 2);
  EXPECT_NE(err.str().find("cannot group by 'nope'"), std::string::npos) << err.str();
  EXPECT_EQ(usage_command({"--config", cfg.string(), "--format", "xml"}, out, err), 2);
  EXPECT_EQ(usage_command({"--since", "1d"}, out, err), 2);
  EXPECT_EQ(usage_command({"--config"}, out, err), 2);
}

TEST(Ledger, SeveralInstancesLedgersMergeIntoOneReport) {
  UsageGroup a{{"alice"}, 2, 0, 100, 10, 0, 0, 0, 10.0};
  UsageGroup b{{"bob"}, 1, 1, 5, 1, 0, 0, 0, 50.0};
  UsageGroup a2{{"alice"}, 6, 1, 300, 30, 7, 0, 0, 30.0};
  const auto m = merge_usage({{a, b}, {a2}});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].values, std::vector<std::string>{"alice"});
  EXPECT_EQ(m[0].requests, 8);
  EXPECT_EQ(m[0].errors, 1);
  EXPECT_EQ(m[0].input_tokens, 400);
  EXPECT_EQ(m[0].cache_read_tokens, 7);
  EXPECT_DOUBLE_EQ(m[0].avg_latency_ms, 25.0);  // (2 * 10 + 6 * 30) / 8: weighted by requests
  EXPECT_EQ(m[1].values, std::vector<std::string>{"bob"});
}

TEST(Ledger, UsageCommandReadsSeveralFiles) {
  TempDir dir;
  const fs::path cfg = dir.path / "config.json";
  {
    std::ofstream(cfg) << R"({"subAccounts":{"a":{"service_key":{"clientid":"c","clientsecret":"s","url":"https://x",
      "serviceurls":{"AI_API_URL":"https://y"}},"deployment_models":{"gpt-4o":["https://y/d/1"]}}}})";
  }
  fs::create_directory(dir.path / "pods");
  for (int i = 0; i < 3; ++i) {  // three instances, each its own file
    UsageSettings s;
    s.file = (dir.path / "pods" / ("usage-" + std::to_string(i) + ".db")).string();
    Ledger ledger(s);
    ledger.record(row("alice", "gpt-4o", 200, 10, 2, now_ms() - i));
    if (i == 2) ledger.record(row("bob", "gpt-4o", 200, 1, 1, now_ms()));
  }
  const auto report = [&](const std::string& files) {
    std::ostringstream out, err;
    EXPECT_EQ(usage_command({"--config", cfg.string(), "--by", "key", "--format", "json", "--files", files}, out, err), 0)
        << err.str();
    return nlohmann::json::parse(out.str());
  };
  const std::string pods = (dir.path / "pods").string();
  for (const std::string& files : {pods, pods + "/usage-0.db," + pods + "/usage-1.db," + pods + "/usage-2.db",
                                   pods + "," + pods + "/usage-1.db"}) {  // a file named twice counts once
    const auto j = report(files);
    EXPECT_EQ(j["rows"][0]["key"], "alice") << files;
    EXPECT_EQ(j["rows"][0]["requests"], 3) << files;
    EXPECT_EQ(j["rows"][0]["input_tokens"], 30) << files;
    EXPECT_EQ(j["total"]["requests"], 4) << files;
  }
  std::ostringstream out, err;
  EXPECT_EQ(usage_command({"--config", cfg.string(), "--files", pods + "/nope.db"}, out, err), 1);
  EXPECT_NE(err.str().find("nope.db does not exist"), std::string::npos) << err.str();
  fs::create_directory(dir.path / "empty");
  EXPECT_EQ(usage_command({"--config", cfg.string(), "--files", (dir.path / "empty").string()}, out, err), 2);
}

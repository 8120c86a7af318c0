// The metrics store and exposition: per-thread counts sum correctly (also after threads end),
// histograms are cumulative with _sum/_count, label values are escaped, the admin key check and
// the metrics config section.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "config/Config.hpp"
#include "metrics/Metrics.hpp"
#include "metrics/SeriesStore.hpp"
#include "metrics/TextFormat.hpp"
#include "server/AdminAuth.hpp"

using namespace aicore::host;
using namespace aicore::host::metrics;

TEST(SeriesStore, SumsEveryThreadsCountsIncludingThreadsThatEnded) {
  SeriesStore store;
  store.slots("x\x1f" "a", 2)[0].fetch_add(5);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&store] {
      for (int i = 0; i < 1000; ++i) {
        store.slots("x\x1f" "a", 2)[1].fetch_add(1);
        store.slots("x\x1f" "b", 2)[0].fetch_add(2);
      }
    });
  for (auto& t : threads) t.join();  // their shards retire into the store's totals
  store.slots("y\x1f" "a", 1)[0].fetch_add(7);
  auto snap = store.snapshot("x\x1f");
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_EQ(snap["x\x1f" "a"], (std::vector<uint64_t>{5, 4000}));
  EXPECT_EQ(snap["x\x1f" "b"], (std::vector<uint64_t>{8000, 0}));
  EXPECT_EQ(store.snapshot("y\x1f").at("y\x1f" "a")[0], 7u);
}

TEST(SeriesStore, AThreadOutlivingItsStoreDoesNotTouchIt) {
  std::atomic<bool> counted{false}, go{false};
  std::thread t;
  {
    SeriesStore store;
    t = std::thread([&] {
      store.slots("k", 1)[0].fetch_add(1);
      counted = true;
      while (!go) std::this_thread::yield();
    });
    while (!counted) std::this_thread::yield();
  }  // the store is gone while the thread still holds its shard
  go = true;
  t.join();  // its exit must not touch the dead store (ASan would say so)
  SeriesStore fresh;
  EXPECT_TRUE(fresh.snapshot("").empty());
}

TEST(TextFormat, EscapesLabelValuesAndHelp) {
  std::string out;
  family(out, "m_total", "counter", "a \\ b\nc");
  sample(out, "m_total", {{"model", "a\"b\\c\nd"}}, 3);
  EXPECT_EQ(out,
            "# HELP m_total a \\\\ b\\nc\n# TYPE m_total counter\n"
            "m_total{model=\"a\\\"b\\\\c\\nd\"} 3\n");
  EXPECT_EQ(number(0.25), "0.25");
  EXPECT_EQ(number(1e3), "1000");
  EXPECT_EQ(number(std::numeric_limits<double>::infinity()), "+Inf");
}

TEST(Metrics, RequestsTokensAndHistogramsAppearWithTheirLabels) {
  auto& m = Metrics::process();
  RequestFacts f;
  f.dialect = "openai.chat";
  f.model = "metrics-test-model";
  f.plugin = "openai";
  f.status = 200;
  f.seconds = 0.3;
  f.ttfb_s = 0.02;
  f.usage.input_tokens = 11;
  f.usage.output_tokens = 7;
  f.usage.reasoning_tokens = 3;
  m.request(f);
  f.status = 429;
  f.seconds = 700;  // beyond the last bucket
  f.ttfb_s = -1;
  f.usage = {};
  m.request(f);
  m.attempt("acc1", "d123", "rate_limited");
  std::string out;
  m.render(out);
  auto has = [&out](const std::string& line) { return out.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(has(
      "aicore_requests_total{dialect=\"openai.chat\",model=\"metrics-test-model\",plugin=\"openai\",status=\"200\"} 1"));
  EXPECT_TRUE(has(
      "aicore_requests_total{dialect=\"openai.chat\",model=\"metrics-test-model\",plugin=\"openai\",status=\"429\"} 1"));
  const std::string d = "aicore_request_duration_seconds";
  const std::string l = "dialect=\"openai.chat\",model=\"metrics-test-model\"";
  EXPECT_TRUE(has(d + "_bucket{" + l + ",le=\"0.25\"} 0"));
  EXPECT_TRUE(has(d + "_bucket{" + l + ",le=\"0.5\"} 1"));
  EXPECT_TRUE(has(d + "_bucket{" + l + ",le=\"300\"} 1"));
  EXPECT_TRUE(has(d + "_bucket{" + l + ",le=\"+Inf\"} 2"));
  EXPECT_TRUE(has(d + "_count{" + l + "} 2"));
  EXPECT_TRUE(has(d + "_sum{" + l + "} 700.3"));
  EXPECT_TRUE(has("aicore_time_to_first_byte_seconds_count{" + l + "} 1"));
  EXPECT_TRUE(has("aicore_time_to_first_byte_seconds_bucket{" + l + ",le=\"0.025\"} 1"));
  EXPECT_TRUE(has("aicore_tokens_total{key=\"\",model=\"metrics-test-model\",type=\"input\"} 11"));
  EXPECT_TRUE(has("aicore_tokens_total{key=\"\",model=\"metrics-test-model\",type=\"reasoning\"} 3"));
  EXPECT_TRUE(has("aicore_tokens_total{key=\"\",model=\"metrics-test-model\",type=\"cache_read\"} 0"));
  EXPECT_TRUE(has("aicore_upstream_attempts_total{subaccount=\"acc1\",deployment=\"d123\",outcome=\"rate_limited\"} 1"));
}

TEST(AdminAuth, LoopbackHostsAndDigests) {
  EXPECT_TRUE(loopback_host("127.0.0.1"));
  EXPECT_TRUE(loopback_host("127.1.2.3"));
  EXPECT_TRUE(loopback_host("::1"));
  EXPECT_TRUE(loopback_host("localhost"));
  EXPECT_FALSE(loopback_host("0.0.0.0"));
  EXPECT_FALSE(loopback_host("::"));
  EXPECT_FALSE(loopback_host("10.0.0.1"));
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

namespace {
const char* kSub = R"("subAccounts":{"a":{"service_key":{"clientid":"c","clientsecret":"s","url":"https://x",
  "serviceurls":{"AI_API_URL":"https://y"}},"deployment_models":{"gpt-4o":["https://y/d/1"]}}})";
}  // namespace

TEST(MetricsConfig, DefaultsSectionAndAdminKeys) {
  Config c = parse_config(std::string("{") + kSub + "}", "/tmp");
  EXPECT_TRUE(c.metrics.enabled);
  EXPECT_EQ(c.metrics.auth, "auto");
  EXPECT_TRUE(c.metrics.dashboard);
  c = parse_config(std::string("{") + kSub +
                       R"(,"metrics":{"enabled":false,"auth":"admin_key","dashboard":false},"admin_keys":["an-admin-key-of-length",
                       "sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"]})",
                   "/tmp");
  EXPECT_FALSE(c.metrics.enabled);
  EXPECT_EQ(c.metrics.auth, "admin_key");
  EXPECT_FALSE(c.metrics.dashboard);
  ASSERT_EQ(c.admin_keys.size(), 2u);
  auto secrets = c.secrets();  // the plain key is redacted from logs; a digest is no secret
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "an-admin-key-of-length"), secrets.end());
  auto fails = [](const std::string& extra, const std::string& want) {
    try {
      parse_config(std::string("{") + kSub + "," + extra + "}", "/tmp");
      ADD_FAILURE() << extra;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  };
  fails(R"("metrics":{"auth":"open"})", "metrics.auth: must be");
  fails(R"("metrics":{"enabled":"yes"})", "metrics.enabled: must be true or false");
  fails(R"("metrics":{"dashboard":1})", "metrics.dashboard: must be true or false");
  fails(R"("admin_keys":["short"])", "admin_keys[0]: must be at least 16 characters");
  fails(R"("admin_keys":["sha256:abc"])", "admin_keys[0]: sha256: must be followed by the 64 hex digits");
  fails(R"("admin_keys":"k")", "admin_keys: must be an array of strings");
}

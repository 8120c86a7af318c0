// Balancer: round robin across subaccounts, then across each subaccount's URLs; failover order.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "balance/Balancer.hpp"

using namespace aicore::host;

TEST(Balancer, RoundRobinAcrossSubaccountsThenUrls) {
  Balancer b;
  b.add("gpt", 0, {"a1", "a2"});
  b.add("gpt", 1, {"b1"});
  std::vector<std::string> firsts;
  for (int i = 0; i < 6; ++i) firsts.push_back(b.candidates("gpt")[0].url);
  EXPECT_EQ(firsts, (std::vector<std::string>{"a1", "b1", "a2", "b1", "a1", "b1"}));
}

TEST(Balancer, CandidatesListEveryDeploymentOnceSubaccountsInterleaved) {
  Balancer b;
  b.add("gpt", 0, {"a1", "a2"});
  b.add("gpt", 1, {"b1", "b2"});
  b.add("gpt", 2, {"c1"});
  auto c = b.candidates("gpt");
  ASSERT_EQ(c.size(), 5u);
  // First a deployment of each subaccount (a failover changes subaccount first), then the rest.
  EXPECT_EQ(c[0].subaccount, 0u);
  EXPECT_EQ(c[1].subaccount, 1u);
  EXPECT_EQ(c[2].subaccount, 2u);
  std::set<std::string> urls;
  for (auto& t : c) urls.insert(t.url);
  EXPECT_EQ(urls.size(), 5u);
}

TEST(Balancer, UnknownModelHasNoCandidates) {
  Balancer b;
  b.add("gpt", 0, {"a"});
  EXPECT_TRUE(b.candidates("claude").empty());
  EXPECT_FALSE(b.has("claude"));
  EXPECT_TRUE(b.has("gpt"));
}

TEST(Balancer, EvenSpreadUnderThreads) {
  Balancer b;
  b.add("m", 0, {"a1", "a2"});
  b.add("m", 1, {"b1", "b2"});
  std::mutex mu;
  std::map<std::string, int> counts;
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        auto first = b.candidates("m")[0].url;
        std::lock_guard l(mu);
        counts[first]++;
      }
    });
  for (auto& t : ts) t.join();
  ASSERT_EQ(counts.size(), 4u);
  for (auto& [url, n] : counts) EXPECT_EQ(n, 1000) << url;
}

TEST(Balancer, WeightsShareFirstAttemptsSmoothly) {
  Balancer b;
  b.add("m", 0, {"a"}, 3);
  b.add("m", 1, {"b"}, 1);
  std::string firsts;
  for (int i = 0; i < 8; ++i) firsts += b.candidates("m")[0].url;
  // 3:1, and never four of a in a row: the heavy subaccount's turns are spread over the cycle.
  EXPECT_EQ(firsts, "aabaaaba");
  // The lighter one is still the failover of the heavier one, and the other way round.
  EXPECT_EQ(b.candidates("m").size(), 2u);
}

TEST(Balancer, WeightedSpreadMatchesWeights) {
  Balancer b;
  b.add("m", 0, {"a"}, 5);
  b.add("m", 1, {"b"}, 2);
  b.add("m", 2, {"c"}, 1);
  std::map<std::string, int> counts;
  for (int i = 0; i < 800; ++i) counts[b.candidates("m")[0].url]++;
  EXPECT_EQ(counts["a"], 500);
  EXPECT_EQ(counts["b"], 200);
  EXPECT_EQ(counts["c"], 100);
}

TEST(Balancer, LowerPriorityComesAfterEveryHigherOne) {
  Balancer b;
  b.add("m", 0, {"payg1", "payg2"}, 1, 1);  // spill-over, added first on purpose
  b.add("m", 1, {"pt1"}, 1, 0);
  b.add("m", 2, {"pt2"}, 1, 0);
  for (int i = 0; i < 4; ++i) {
    auto c = b.candidates("m");
    ASSERT_EQ(c.size(), 4u);
    // Both provisioned-throughput subaccounts (alternating), then the pay-as-you-go ones.
    EXPECT_NE(c[0].subaccount, 0u);
    EXPECT_NE(c[1].subaccount, 0u);
    EXPECT_NE(c[0].subaccount, c[1].subaccount);
    EXPECT_EQ(c[2].subaccount, 0u);
    EXPECT_EQ(c[3].subaccount, 0u);
  }
  EXPECT_EQ(b.candidates("m")[0].subaccount, 1u);  // the fifth request: round-robin continues
}

TEST(Balancer, WithoutAdvancingTheRoundRobinStaysPut) {
  Balancer b;
  b.add("m", 0, {"a"});
  b.add("m", 1, {"b"});
  EXPECT_EQ(b.candidates("m")[0].url, "a");
  EXPECT_EQ(b.candidates("m", false)[0].url, "b");  // a sticky request looks, takes no turn
  EXPECT_EQ(b.candidates("m", false)[0].url, "b");
  EXPECT_EQ(b.candidates("m")[0].url, "b");
  EXPECT_EQ(b.candidates("m")[0].url, "a");
}

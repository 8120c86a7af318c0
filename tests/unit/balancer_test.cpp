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

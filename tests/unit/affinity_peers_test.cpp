// Affinity with peers (shared_state: several instances, one Redis): the peers' word decides where
// a turn goes, the local entry is the fallback, and only news is written to them.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "routing/Affinity.hpp"

using namespace aicore::host;
using namespace std::chrono;

namespace {

// Stands in for Redis: a map, a switch to make it unreachable, and a record of the writes.
struct FakePeers : AffinityPeers {
  std::map<uint64_t, std::string> known;
  bool down = false;
  int finds = 0;
  std::vector<std::pair<uint64_t, std::string>> writes;

  Found find(uint64_t key, seconds, std::string& url) override {
    ++finds;
    if (down) return Found::Unavailable;
    auto it = known.find(key);
    if (it == known.end()) return Found::No;
    url = it->second;
    return Found::Yes;
  }
  void remember(uint64_t key, const std::string& url, seconds) override {
    writes.emplace_back(key, url);
    if (!down) known[key] = url;
  }
};

struct SharedAffinity : testing::Test {
  std::shared_ptr<FakePeers> peers = std::make_shared<FakePeers>();
  Affinity a{100, seconds(300)};
  void SetUp() override { a.share(peers); }
};

}  // namespace

TEST_F(SharedAffinity, AConversationAPeerStartedGoesWhereThePeerSentIt) {
  peers->known[7] = "https://b/d2";  // turn 1 was served by another instance
  EXPECT_EQ(a.find(7), "https://b/d2");
  a.remember(7, "https://b/d2");
  EXPECT_TRUE(peers->writes.empty()) << "a turn that stays put writes nothing";
}

TEST_F(SharedAffinity, ThePeersWordBeatsAStaleLocalEntry) {
  a.remember(7, "https://a/d1");
  peers->known[7] = "https://b/d2";  // a peer failed the conversation over since
  EXPECT_EQ(a.find(7), "https://b/d2");
}

TEST_F(SharedAffinity, ANewConversationAndAMoveAreWrittenOnce) {
  EXPECT_FALSE(a.find(7));
  a.remember(7, "https://a/d1");
  ASSERT_EQ(peers->writes.size(), 1u);
  EXPECT_EQ(a.find(7), "https://a/d1");
  a.remember(7, "https://a/d1");
  EXPECT_EQ(peers->writes.size(), 1u);
  a.remember(7, "https://b/d2");  // failed over
  ASSERT_EQ(peers->writes.size(), 2u);
  EXPECT_EQ(peers->writes.back().second, "https://b/d2");
}

TEST_F(SharedAffinity, WhilePeersAreDownTheLocalEntryDecides) {
  a.remember(7, "https://a/d1");
  peers->down = true;
  EXPECT_EQ(a.find(7), "https://a/d1");
  EXPECT_FALSE(a.find(8));
}

TEST_F(SharedAffinity, WhatAnEmptiedRedisForgotIsWrittenAgain) {
  a.remember(7, "https://a/d1");
  peers->known.clear();  // Redis restarted empty
  EXPECT_EQ(a.find(7), "https://a/d1") << "the local entry serves";
  a.remember(7, "https://a/d1");
  ASSERT_EQ(peers->writes.size(), 2u);
  EXPECT_EQ(peers->known[7], "https://a/d1");
}

TEST_F(SharedAffinity, UnsharedAgainItAsksNobody) {
  a.share(nullptr);
  a.remember(7, "https://a/d1");
  EXPECT_EQ(a.find(7), "https://a/d1");
  EXPECT_EQ(peers->finds, 0);
  EXPECT_TRUE(peers->writes.empty());
}

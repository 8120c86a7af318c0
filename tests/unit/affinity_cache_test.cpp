// TrackedEntries: what an instance may answer from memory about conversations kept in Redis
// (shared/AffinityCache.hpp). The I/O around it (the invalidation reader, tracking on the pool's
// connections) is driven against a real redis-server in tests/integration/shared_state.test.mjs.
#include <gtest/gtest.h>

#include "shared/AffinityCache.hpp"

using namespace aicore::host::shared;
using namespace std::chrono;
using Look = TrackedEntries::Look;

namespace {
const TrackedEntries::Clock::time_point kT0{seconds(1000)};

// Entries on reader epoch 1, heard from at kT0.
struct Live : TrackedEntries {
  explicit Live(size_t max = 100) : TrackedEntries(max) {
    reset(1);
    heard(kT0);
  }
};
}  // namespace

TEST(AffinityCache, AReadKeptAnswersUntilItsRefreshIsDue) {
  Live e;
  std::string url;
  EXPECT_EQ(e.find(7, kT0, url), Look::Miss);
  const uint64_t t = e.begin(7, 1);
  ASSERT_NE(t, 0u);
  EXPECT_EQ(e.find(7, kT0, url), Look::Miss) << "pending: not an answer yet";
  e.end(7, t, "https://d-a", kT0 + seconds(300));
  EXPECT_EQ(e.find(7, kT0 + milliseconds(900), url), Look::Hit);
  EXPECT_EQ(url, "https://d-a");
  e.heard(kT0 + seconds(300));
  EXPECT_EQ(e.find(7, kT0 + seconds(300), url), Look::Refresh) << "Redis's copy is past half its TTL";
}

TEST(AffinityCache, AnInvalidationBeforeTheReplyCancelsTheRead) {
  Live e;
  std::string url;
  const uint64_t t = e.begin(7, 1);
  e.invalidate(7);  // a peer moved it while our GET was on its way back
  e.end(7, t, "https://d-old", kT0 + seconds(300));
  EXPECT_EQ(e.find(7, kT0, url), Look::Miss) << "the reply may be older than the change";
  EXPECT_EQ(e.size(), 0u);
}

TEST(AffinityCache, AnInvalidationDropsAKeptEntry) {
  Live e;
  std::string url;
  e.end(7, e.begin(7, 1), "https://d-a", kT0 + seconds(300));
  e.end(8, e.begin(8, 1), "https://d-b", kT0 + seconds(300));
  e.invalidate(7);
  EXPECT_EQ(e.find(7, kT0, url), Look::Miss);
  EXPECT_EQ(e.find(8, kT0, url), Look::Hit);
}

TEST(AffinityCache, ANewReaderConnectionDropsEverythingAndIgnoresOldReads) {
  Live e;
  std::string url;
  e.end(7, e.begin(7, 1), "https://d-a", kT0 + seconds(300));
  const uint64_t old = e.begin(8, 1);
  e.reset(2);  // the reader reconnected: invalidations may have been lost in between
  EXPECT_EQ(e.find(7, kT0, url), Look::Miss);
  e.end(8, old, "https://d-b", kT0 + seconds(300));
  EXPECT_EQ(e.find(8, kT0, url), Look::Miss) << "read under the old epoch";
  EXPECT_EQ(e.begin(9, 1), 0u) << "a connection still tracked for epoch 1 keeps nothing";
  EXPECT_NE(e.begin(9, 2), 0u);
}

TEST(AffinityCache, NoReaderNoAnswers) {
  TrackedEntries e(100);
  std::string url;
  EXPECT_EQ(e.begin(7, 0), 0u);
  e.reset(1);
  e.heard(kT0);
  e.end(7, e.begin(7, 1), "https://d-a", kT0 + seconds(300));
  e.reset(0);  // the reader lost Redis
  EXPECT_EQ(e.find(7, kT0, url), Look::Miss);
  EXPECT_EQ(e.begin(7, 1), 0u);
}

TEST(AffinityCache, AReaderNotHeardFromForASecondAnswersNothing) {
  Live e;
  std::string url;
  e.end(7, e.begin(7, 1), "https://d-a", kT0 + seconds(300));
  EXPECT_EQ(e.find(7, kT0 + milliseconds(1000), url), Look::Hit);
  EXPECT_EQ(e.find(7, kT0 + milliseconds(1001), url), Look::Miss) << "Redis may be frozen: its word is not current";
  e.heard(kT0 + seconds(2));
  EXPECT_EQ(e.find(7, kT0 + seconds(2), url), Look::Hit) << "heard again: the entry still holds";
}

TEST(AffinityCache, AFailedReadKeepsNothing) {
  Live e;
  std::string url;
  const uint64_t t = e.begin(7, 1);
  e.end(7, t, "", {});
  EXPECT_EQ(e.size(), 0u);
  e.end(7, t, "https://d-a", kT0 + seconds(300));  // a second end of the same read: ignored
  EXPECT_EQ(e.find(7, kT0, url), Look::Miss);
}

TEST(AffinityCache, BoundedInEntries) {
  Live e(3);
  for (uint64_t k = 1; k <= 3; ++k) e.end(k, e.begin(k, 1), "https://d", kT0 + seconds(300));
  EXPECT_EQ(e.size(), 3u);
  e.end(4, e.begin(4, 1), "https://d", kT0 + seconds(300));
  EXPECT_LE(e.size(), 3u);
  std::string url;
  EXPECT_EQ(e.find(4, kT0, url), Look::Hit);
}

TEST(AffinityCache, RedisKeysAndBack) {
  EXPECT_EQ(affinity_redis_key(0x00ab'cdef'0123'4567ULL), "aicore:affinity:00abcdef01234567");
  EXPECT_EQ(affinity_conversation("aicore:affinity:00abcdef01234567"), 0x00ab'cdef'0123'4567ULL);
  EXPECT_EQ(affinity_conversation(affinity_redis_key(~0ULL)), ~0ULL);
  EXPECT_FALSE(affinity_conversation("aicore:affinity:00ABCDEF01234567"));  // we write lower case
  EXPECT_FALSE(affinity_conversation("aicore:affinity:0123"));
  EXPECT_FALSE(affinity_conversation("aicore:quota:{x}:r:1"));
  EXPECT_FALSE(affinity_conversation("aicore:affinity:0123456789abcdefg"));
}

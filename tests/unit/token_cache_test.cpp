// Token cache: cached until 5 minutes before expiry, single-flight under threads, invalidation.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tokens/TokenCache.hpp"

using namespace aicore::host;
using namespace std::chrono_literals;

namespace {
struct FakeClock {
  std::atomic<int64_t> s{1000};
  TokenCache::Clock::time_point now() const { return TokenCache::Clock::time_point(std::chrono::seconds(s.load())); }
};
}  // namespace

TEST(TokenCache, CachesUntilFiveMinutesBeforeExpiry) {
  FakeClock clock;
  int fetches = 0;
  TokenCache cache([&](const std::string& sub) { ++fetches; return FetchedToken{sub + "-t" + std::to_string(fetches), 3600}; },
                   [&] { return clock.now(); });
  EXPECT_EQ(cache.get("a"), "a-t1");
  clock.s += 3600 - 301;
  EXPECT_EQ(cache.get("a"), "a-t1");
  EXPECT_EQ(fetches, 1);
  clock.s += 2;  // now inside the 5-minute margin
  EXPECT_EQ(cache.get("a"), "a-t2");
  EXPECT_EQ(fetches, 2);
  EXPECT_EQ(cache.get("b"), "b-t3");  // per subaccount
}

TEST(TokenCache, ShortLivedTokensRefreshAtHalfLife) {
  FakeClock clock;
  int fetches = 0;
  TokenCache cache([&](const std::string&) { ++fetches; return FetchedToken{"t" + std::to_string(fetches), 120}; },
                   [&] { return clock.now(); });
  cache.get("a");
  clock.s += 59;
  cache.get("a");
  EXPECT_EQ(fetches, 1);
  clock.s += 2;
  cache.get("a");
  EXPECT_EQ(fetches, 2);
}

TEST(TokenCache, UnknownExpiryUsesDefaultLifetime) {
  FakeClock clock;
  int fetches = 0;
  TokenCache cache([&](const std::string&) { ++fetches; return FetchedToken{"t", 0}; }, [&] { return clock.now(); });
  cache.get("a");
  clock.s += 14400 - 301;
  cache.get("a");
  EXPECT_EQ(fetches, 1);
}

TEST(TokenCache, SingleFlightUnderManyThreads) {
  std::atomic<int> fetches{0};
  TokenCache cache([&](const std::string&) {
    ++fetches;
    std::this_thread::sleep_for(50ms);  // slow token endpoint: everyone piles up behind it
    return FetchedToken{"tok", 3600};
  });
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 32; ++i)
    threads.emplace_back([&] {
      if (cache.get("sub") == "tok") ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(fetches.load(), 1);
  EXPECT_EQ(ok.load(), 32);
}

TEST(TokenCache, FailureIsSharedWithWaitersAndRetriedLater) {
  std::atomic<int> fetches{0};
  std::atomic<bool> down{true};
  TokenCache cache([&](const std::string&) -> FetchedToken {
    ++fetches;
    std::this_thread::sleep_for(30ms);
    if (down) throw TokenError("subaccount sub: token endpoint unreachable");
    return FetchedToken{"tok", 3600};
  });
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&] {
      try {
        cache.get("sub");
      } catch (const TokenError& e) {
        EXPECT_NE(std::string(e.what()).find("subaccount sub"), std::string::npos);
        ++failed;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 16);
  EXPECT_LE(fetches.load(), 2);  // not one fetch per waiting request
  down = false;
  EXPECT_EQ(cache.get("sub"), "tok");
}

TEST(TokenCache, InvalidateForcesOneRefetch) {
  int fetches = 0;
  TokenCache cache([&](const std::string&) { ++fetches; return FetchedToken{"t" + std::to_string(fetches), 3600}; });
  std::string t1 = cache.get("a");
  cache.invalidate("a", "some-older-token");  // stale invalidation: ignored
  EXPECT_EQ(cache.get("a"), t1);
  cache.invalidate("a", t1);
  EXPECT_EQ(cache.get("a"), "t2");
  EXPECT_EQ(fetches, 2);
}

TEST(TokenCache, EmptyTokenIsAnError) {
  TokenCache cache([&](const std::string&) { return FetchedToken{"", 3600}; });
  EXPECT_THROW(cache.get("a"), TokenError);
}

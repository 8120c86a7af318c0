// Token cache: served until the real expiry, refreshed ahead of it by one caller while the others
// keep the current token, single-flight when there is none, failures remembered with back-off,
// invalidation, and what a reload keeps. Concurrency is synchronised on observable state (the
// number of waiting callers, flags the fetcher sets), never on sleeps.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tokens/SubaccountTokens.hpp"
#include "tokens/TokenCache.hpp"

using namespace aicore::host;
using namespace std::chrono_literals;

namespace {
struct FakeClock {
  std::atomic<int64_t> s{1000};
  TokenCache::Clock::time_point now() const { return TokenCache::Clock::time_point(std::chrono::seconds(s.load())); }
  TokenCache::Now fn() { return [this] { return now(); }; }
};

// Spins (yielding) until `done()` or 10 s of real time; false on timeout, so a bug fails the
// test instead of hanging it.
template <class F>
bool eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

TokenCache::Fetcher counting(int& fetches, int64_t expires_in = 3600) {
  return [&fetches, expires_in] { ++fetches; return FetchedToken{"t" + std::to_string(fetches), expires_in}; };
}
}  // namespace

TEST(TokenCache, RefreshesFiveMinutesBeforeExpiry) {
  FakeClock clock;
  TokenCache cache(clock.fn());
  int fetches = 0;
  auto fetch = counting(fetches);
  EXPECT_EQ(cache.get("a", fetch), "t1");
  clock.s += 3600 - 301;
  EXPECT_EQ(cache.get("a", fetch), "t1");
  EXPECT_EQ(fetches, 1);
  clock.s += 2;  // now inside the 5-minute margin: this caller refreshes
  EXPECT_EQ(cache.get("a", fetch), "t2");
  EXPECT_EQ(fetches, 2);
  EXPECT_EQ(cache.get("b", fetch), "t3");  // per credential
}

TEST(TokenCache, ShortLivedTokensRefreshAtHalfLife) {
  FakeClock clock;
  TokenCache cache(clock.fn());
  int fetches = 0;
  auto fetch = counting(fetches, 120);
  cache.get("a", fetch);
  clock.s += 59;
  cache.get("a", fetch);
  EXPECT_EQ(fetches, 1);
  clock.s += 2;
  cache.get("a", fetch);
  EXPECT_EQ(fetches, 2);
}

TEST(TokenCache, UnknownExpiryUsesDefaultLifetime) {
  FakeClock clock;
  TokenCache cache(clock.fn());
  int fetches = 0;
  auto fetch = counting(fetches, 0);
  cache.get("a", fetch);
  clock.s += 14400 - 301;
  cache.get("a", fetch);
  EXPECT_EQ(fetches, 1);
}

TEST(TokenCache, SingleFlightUnderManyThreads) {
  TokenCache cache;
  std::atomic<int> fetches{0};
  constexpr int kThreads = 32;
  // The one fetch returns only once every other caller is blocked waiting for it.
  auto fetch = [&] {
    ++fetches;
    EXPECT_TRUE(eventually([&] { return cache.waiting("sub") == kThreads - 1; }));
    return FetchedToken{"tok", 3600};
  };
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      if (cache.get("sub", fetch) == "tok") ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(fetches.load(), 1);
  EXPECT_EQ(ok.load(), kThreads);
}

TEST(TokenCache, FailureIsSharedWithWaitersThenBackedOff) {
  FakeClock clock;
  TokenCache cache(clock.fn());
  std::atomic<int> fetches{0};
  std::atomic<bool> down{true};
  constexpr int kThreads = 16;
  auto fetch = [&]() -> FetchedToken {
    if (++fetches == 1) EXPECT_TRUE(eventually([&] { return cache.waiting("sub") == kThreads - 1; }));
    if (down) throw TokenError("subaccount sub: token endpoint unreachable");
    return FetchedToken{"tok", 3600};
  };
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      try {
        cache.get("sub", fetch);
      } catch (const TokenError& e) {
        EXPECT_NE(std::string(e.what()).find("subaccount sub"), std::string::npos);
        ++failed;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), kThreads);
  EXPECT_EQ(fetches.load(), 1);  // one fetch for all of them

  // Within the back-off the failure is answered from memory, saying when the next try is.
  down = false;
  try {
    cache.get("sub", fetch);
    FAIL() << "no error within the back-off";
  } catch (const TokenError& e) {
    EXPECT_EQ(std::string(e.what()),
              "subaccount sub: token endpoint unreachable (failed 1 time(s) in a row; next token request in 1 s)");
  }
  EXPECT_EQ(fetches.load(), 1);
  clock.s += 1;
  EXPECT_EQ(cache.get("sub", fetch), "tok");
  EXPECT_EQ(fetches.load(), 2);
}

// The numbers of an outage: a subaccount asked for a token 10 times a second for 2 minutes while
// its token endpoint is down calls it 8 times (after 0, 1, 3, 7, 15, 31, 61 and 91 s: 1 s
// doubling up to 30 s between calls), not 1,200 times; once the endpoint is back, the first
// request after the current back-off (at most 30 s) gets a token.
TEST(TokenCache, AnOutageCostsTheEndpointAFewCallsNotOnePerRequest) {
  FakeClock clock;
  TokenCache cache(clock.fn());
  int fetches = 0;
  bool down = true;
  std::vector<int64_t> called_at;
  const int64_t t0 = clock.s;
  auto fetch = [&]() -> FetchedToken {
    ++fetches;
    called_at.push_back(clock.s - t0);
    if (down) throw TokenError("subaccount sub: token request failed (HTTP 503)");
    return FetchedToken{"tok", 3600};
  };
  int failures = 0;
  for (int tenth = 0; tenth < 1200; ++tenth) {
    clock.s = t0 + tenth / 10;
    try {
      cache.get("sub", fetch);
    } catch (const TokenError&) {
      ++failures;
    }
  }
  EXPECT_EQ(failures, 1200);
  EXPECT_EQ(called_at, (std::vector<int64_t>{0, 1, 3, 7, 15, 31, 61, 91}));
  down = false;
  clock.s = t0 + 121;  // the back-off after the 8th failure (30 s) is over
  EXPECT_EQ(cache.get("sub", fetch), "tok");
  EXPECT_EQ(fetches, 9);
}

TEST(TokenCache, RefreshAheadLetsEveryoneElseKeepTheCurrentToken) {
  FakeClock clock;
  TokenCache cache(clock.fn());
  std::atomic<int> fetches{0};
  std::atomic<bool> refreshing{false}, release{false};
  auto fetch = [&] {
    const int n = ++fetches;
    if (n == 2) {
      refreshing = true;
      EXPECT_TRUE(eventually([&] { return release.load(); }));  // a slow token endpoint
    }
    return FetchedToken{"t" + std::to_string(n), 3600};
  };
  EXPECT_EQ(cache.get("a", fetch), "t1");
  clock.s += 3600 - 200;  // inside the refresh margin, 200 s before expiry
  std::string refreshed;
  std::thread refresher([&] { refreshed = cache.get("a", fetch); });
  ASSERT_TRUE(eventually([&] { return refreshing.load(); }));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(cache.get("a", fetch), "t1");  // not blocked, no second refresh
  EXPECT_EQ(fetches.load(), 2);
  EXPECT_EQ(cache.waiting("a"), 0u);
  release = true;
  refresher.join();
  EXPECT_EQ(refreshed, "t2");
  EXPECT_EQ(cache.get("a", fetch), "t2");
}

TEST(TokenCache, AFailedRefreshKeepsServingTheTokenUntilItReallyExpires) {
  FakeClock clock;
  TokenCache cache(clock.fn());
  int fetches = 0;
  bool down = false;
  auto fetch = [&]() -> FetchedToken {
    ++fetches;
    if (down) throw TokenError("subaccount a: token endpoint unreachable");
    return FetchedToken{"t" + std::to_string(fetches), 3600};
  };
  EXPECT_EQ(cache.get("a", fetch), "t1");
  down = true;
  clock.s += 3600 - 300;  // due for refresh
  EXPECT_EQ(cache.get("a", fetch), "t1");  // the refresh failed: the current token is still good
  EXPECT_EQ(fetches, 2);
  EXPECT_EQ(cache.get("a", fetch), "t1");  // backing off: no call
  EXPECT_EQ(fetches, 2);
  clock.s += 1;
  EXPECT_EQ(cache.get("a", fetch), "t1");  // retried once, failed again
  EXPECT_EQ(fetches, 3);
  clock.s += 300 - 1 - 1;  // one second before the real expiry
  EXPECT_EQ(cache.get("a", fetch), "t1");
  clock.s += 1;  // expired: no token to fall back on
  EXPECT_THROW(cache.get("a", fetch), TokenError);
  down = false;
  clock.s += 30;
  const std::string fresh = cache.get("a", fetch);
  EXPECT_EQ(fetches, 5);
  EXPECT_EQ(fresh, "t5");
}

TEST(TokenCache, InvalidateForcesOneRefetch) {
  TokenCache cache;
  int fetches = 0;
  auto fetch = counting(fetches);
  std::string t1 = cache.get("a", fetch);
  cache.invalidate("a", "some-older-token");  // stale invalidation: ignored
  EXPECT_EQ(cache.get("a", fetch), t1);
  cache.invalidate("a", t1);
  EXPECT_EQ(cache.get("a", fetch), "t2");
  EXPECT_EQ(fetches, 2);
}

TEST(TokenCache, EmptyTokenIsAnError) {
  TokenCache cache;
  EXPECT_THROW(cache.get("a", [] { return FetchedToken{"", 3600}; }), TokenError);
}

TEST(TokenCache, RetainKeepsTheTokensOfCredentialsStillInUse) {
  TokenCache cache;
  int fetches = 0;
  auto fetch = counting(fetches);
  EXPECT_EQ(cache.get("kept", fetch), "t1");
  EXPECT_EQ(cache.get("gone", fetch), "t2");
  cache.retain({"kept", "new"});
  EXPECT_EQ(cache.get("kept", fetch), "t1");
  EXPECT_EQ(cache.get("gone", fetch), "t3");
}

TEST(SubaccountTokens, SubaccountsWithTheSameCredentialShareOneToken) {
  auto cache = std::make_shared<TokenCache>();
  int fetches = 0;
  auto fetch = counting(fetches);
  SubaccountTokens before(cache, {{"a", {"cred-1", fetch}}, {"b", {"cred-2", fetch}}});
  EXPECT_EQ(before.get("a"), "t1");
  EXPECT_EQ(before.get("b"), "t2");
  // A reload: "a" renamed to "a2" with the same credential, "b" with a new secret.
  SubaccountTokens after(cache, {{"a2", {"cred-1", fetch}}, {"b", {"cred-3", fetch}}});
  cache->retain(after.keys());
  EXPECT_EQ(after.get("a2"), "t1");
  EXPECT_EQ(after.get("b"), "t3");
  EXPECT_THROW(after.get("a"), TokenError);
  after.invalidate("a2", "t1");
  EXPECT_EQ(after.get("a2"), "t4");
}

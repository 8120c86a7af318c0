// The host's shared state under many request threads, for ThreadSanitizer: every request thread
// shares one TokenCache, one Balancer, one Cooldowns table (through its own AttemptPlan) and the
// log Redactor, and takes its Runtime from the RuntimeHolder that SIGHUP swaps. These tests drive them the way ProxyHandler does — claim a target, give a verdict
// (success, failure, 429, release), invalidate tokens after a 401 — from many threads at once,
// with a shared fake clock that the plans' back-off "sleeps" advance, so cooldowns begin, end and
// go half-open constantly. TSan reports any data race; the assertions check what must hold
// regardless of interleaving.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "balance/Balancer.hpp"
#include "balance/Cooldowns.hpp"
#include "log/Log.hpp"
#include "retry/AttemptPlan.hpp"
#include "runtime/RuntimeHolder.hpp"
#include "tokens/SubaccountTokens.hpp"
#include "tokens/TokenCache.hpp"

using namespace aicore::host;
using namespace std::chrono;

namespace {

constexpr int kThreads = 8;

// A clock every thread reads and advances.
struct SharedClock {
  std::atomic<int64_t> ms{1'000'000};
  Cooldowns::Clock::time_point now() const { return Cooldowns::Clock::time_point(milliseconds(ms.load())); }
  void advance(Cooldowns::Clock::duration d) { ms.fetch_add(std::max<int64_t>(1, duration_cast<milliseconds>(d).count())); }
};

RetrySettings fast_settings() {
  RetrySettings s;
  s.max_attempts = 4;
  s.base_delay_ms = 10;
  s.max_delay_ms = 3000;
  s.deadline_s = 10;
  s.rate_limit_cooldown_s = 2;
  s.failure_threshold = 2;
  s.failure_cooldown_s = 1;
  s.max_cooldown_s = 8;
  return s;
}

template <class F>
void run_threads(int n, F&& body) {
  std::vector<std::thread> ts;
  for (int i = 0; i < n; ++i) ts.emplace_back([&body, i] { body(i); });
  for (auto& t : ts) t.join();
}

}  // namespace

TEST(Concurrency, AttemptPlansShareCooldownsAndTheBalancer) {
  SharedClock clock;
  const RetrySettings s = fast_settings();
  Cooldowns cd(s, [&clock] { return clock.now(); });
  Balancer b;
  b.add("gpt", 0, {"a1", "a2"});
  b.add("gpt", 1, {"b1"});
  b.add("gpt", 2, {"c1", "c2", "c3"});
  b.add("emb", 0, {"e1"});

  std::atomic<int> attempts{0}, requests{0}, gave_up{0};
  std::atomic<bool> stop{false};
  // An observer, as the attempt plans of other requests are: reads while others write.
  std::thread observer([&] {
    const std::vector<Target> all{{0, "a1"}, {0, "a2"}, {1, "b1"}, {2, "c1"}, {0, "e1"}};
    while (!stop.load()) {
      (void)cd.wait_for_any(all);
      (void)cd.cooling("b1");
      std::this_thread::yield();
    }
  });
  run_threads(kThreads, [&](int id) {
    std::mt19937 rng(1234 + id);
    for (int i = 0; i < 400; ++i) {
      const std::string model = (i % 5 == 0) ? "emb" : "gpt";
      AttemptPlan plan(b.candidates(model), cd, s);
      plan.sleep = [&clock](AttemptPlan::Clock::duration d) { clock.advance(d); };
      requests.fetch_add(1);
      std::set<std::string> seen_this_round;
      bool done = false;
      while (auto t = plan.next()) {
        attempts.fetch_add(1);
        switch (rng() % 6) {  // the verdicts ProxyHandler gives an attempt
          case 0: case 1: cd.succeeded(t->url); done = true; break;
          case 2: cd.failed(t->url); break;
          case 3: cd.rate_limited(t->url, rng() % 2 ? std::optional<seconds>(seconds(1 + rng() % 3)) : std::nullopt); break;
          case 4: cd.release(t->url); done = true; break;  // client gone, token endpoint down
          default: cd.failed(t->url); clock.advance(milliseconds(rng() % 700)); break;
        }
        if (done) break;
      }
      if (!done && plan.gave_up_cooling()) {
        gave_up.fetch_add(1);
        EXPECT_GE(plan.retry_after().count(), 1);
      }
      EXPECT_LE(plan.attempts(), s.max_attempts);
      if (rng() % 4 == 0) clock.advance(milliseconds(rng() % 400));
    }
  });
  stop = true;
  observer.join();
  EXPECT_EQ(requests.load(), kThreads * 400);
  EXPECT_GT(attempts.load(), requests.load() / 2);

  // Once every cooldown has ended and nobody holds a claim, every deployment is usable again: no
  // half-open probe flag was left behind by the interleavings above.
  clock.advance(seconds(s.max_cooldown_s + 1));
  for (const char* url : {"a1", "a2", "b1", "c1", "c2", "c3", "e1"}) {
    EXPECT_TRUE(cd.try_acquire(url)) << url;
    cd.succeeded(url);
  }
}

// A slow token endpoint without sleeping: yields long enough for waiters to pile up.
void slow_endpoint() {
  for (int i = 0; i < 200; ++i) std::this_thread::yield();
}

TEST(Concurrency, TokenCacheWithExpiryInvalidationAndAFlakyEndpoint) {
  SharedClock clock;
  std::atomic<int> fetches{0}, failures{0}, served{0}, empty{0};
  TokenCache cache([&clock] { return clock.now(); });
  run_threads(kThreads, [&](int id) {
    std::mt19937 rng(99 + id);
    const std::string subs[] = {"sub-a", "sub-b", "sub-c"};
    for (int i = 0; i < 600; ++i) {
      const std::string& sub = subs[rng() % 3];
      auto fetch = [&]() -> FetchedToken {
        const int n = fetches.fetch_add(1) + 1;
        slow_endpoint();
        if (n % 7 == 0) throw TokenError("subaccount " + sub + ": token endpoint unreachable");
        return FetchedToken{sub + "-tok-" + std::to_string(n), n % 3 == 0 ? 400 : 3600};
      };
      try {
        std::string tok = cache.get(sub, fetch);
        served.fetch_add(1);
        if (tok.empty()) empty.fetch_add(1);
        else EXPECT_EQ(tok.rfind(sub + "-tok-", 0), 0u) << tok;  // never another subaccount's token
        if (rng() % 10 == 0) cache.invalidate(sub, tok);      // the upstream said 401
      } catch (const TokenError& e) {
        failures.fetch_add(1);
        EXPECT_NE(std::string(e.what()).find(sub), std::string::npos) << e.what();
      }
      if (rng() % 50 == 0) clock.advance(seconds(rng() % 400));  // tokens near expiry
    }
  });
  EXPECT_EQ(served.load() + failures.load(), kThreads * 600);
  EXPECT_LT(fetches.load(), kThreads * 600 / 2) << "the cache must absorb most requests";
  // A waiter woken after a successful fetch may find the token already invalidated by another
  // thread's 401: it must look again, never hand out an empty token ("Bearer " upstream).
  EXPECT_EQ(empty.load(), 0);
}

// Refresh ahead of expiry while every thread keeps asking: one caller refreshes, the others keep
// the current token, and a failing refresh (every third) never costs a request its token while
// the current one is still valid. Each token carries the (fake) time it expires and lives 400 s,
// so it is due for refresh after 200 s. Time moves in rounds: all threads ask 50 times each, then
// the clock jumps 1-59 s, so a token can only expire if the cache failed to refresh it in the (at
// least three) rounds of its 200-second window.
TEST(Concurrency, TokenRefreshAheadNeverFailsARequestWhileATokenIsValid) {
  SharedClock clock;
  TokenCache cache([&clock] { return clock.now(); });
  std::atomic<int> fetches{0}, failures{0}, expired{0};
  auto fetch = [&]() -> FetchedToken {
    const int n = fetches.fetch_add(1) + 1;
    const int64_t expires_ms = clock.ms.load() + 400'000;
    slow_endpoint();
    if (n % 3 == 0) throw TokenError("subaccount sub: token endpoint unreachable");
    return FetchedToken{std::to_string(expires_ms), 400};
  };
  ASSERT_FALSE(cache.get("sub", fetch).empty());
  std::mt19937 rng(3);
  for (int round = 0; round < 200; ++round) {
    run_threads(kThreads, [&](int) {
      for (int i = 0; i < 50; ++i) {
        const int64_t asked_ms = clock.ms.load();
        try {
          const std::string tok = cache.get("sub", fetch);
          if (std::stoll(tok) <= asked_ms) expired.fetch_add(1);
        } catch (const TokenError&) {
          failures.fetch_add(1);
        }
      }
    });
    clock.advance(seconds(1 + rng() % 59));  // into and through refresh windows
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(expired.load(), 0);
  EXPECT_GT(fetches.load(), 20) << "the clock moved through refresh windows";
  EXPECT_LT(fetches.load(), 200) << "one refresher at a time, backing off after a failure";
}

// SIGHUP: request threads take the current runtime and use its tokens and cooldowns while the
// reload thread builds runtimes that take over the previous one's shared state and swaps them
// in. Tokens of an unchanged credential survive every swap; a changed one gets its own.
TEST(Concurrency, RuntimeSwapsKeepSharedTokensAndCooldowns) {
  std::atomic<int> fetches{0};
  std::atomic<bool> stop{false};
  auto fetch = [&] {
    const int n = fetches.fetch_add(1) + 1;
    return FetchedToken{"tok-" + std::to_string(n), 3600};
  };
  auto make = [&](const Runtime* previous, const std::string& credential) {
    auto rt = std::make_shared<Runtime>();
    SubAccount sub;
    sub.name = "sub";
    sub.deployment_models = {{"m", {"https://d/1", "https://d/2"}}};
    rt->config.subaccounts = {sub};
    rt->config.retry = fast_settings();
    std::map<std::string, SubaccountTokens::Source> sources{{"sub", {credential, fetch}}};
    rt->tokens = std::make_unique<SubaccountTokens>(Runtime::inherit_token_cache(previous), std::move(sources));
    rt->cooldowns = Runtime::inherit_cooldowns(rt->config, previous);
    return rt;
  };
  RuntimeHolder holder(make(nullptr, "cred-1"));
  std::atomic<int> requests{0};
  std::thread reloader([&] {
    for (int i = 0; i < 300; ++i) {
      auto next = make(holder.get().get(), i < 200 ? "cred-1" : "cred-2");
      holder.set(next);
      next->settle_shared_state();
    }
    stop = true;
  });
  run_threads(kThreads, [&](int id) {
    std::mt19937 rng(id);
    while (!stop) {
      std::shared_ptr<Runtime> rt = holder.get();  // held for the whole "request"
      const std::string tok = rt->tokens->get("sub");
      EXPECT_EQ(tok.rfind("tok-", 0), 0u);
      const std::string url = rng() % 2 ? "https://d/1" : "https://d/2";
      if (rt->cooldowns->try_acquire(url)) {
        switch (rng() % 4) {
          case 0: rt->cooldowns->rate_limited(url, seconds(1)); break;
          case 1: rt->cooldowns->failed(url); break;
          default: rt->cooldowns->succeeded(url);
        }
      }
      requests.fetch_add(1);
    }
  });
  reloader.join();
  EXPECT_GT(requests.load(), 0);
  const std::string current = holder.get()->tokens->get("sub");  // cred-2's token
  EXPECT_EQ(holder.get()->tokens->get("sub"), current);
  // One token for cred-1 across 200 swaps, one for cred-2; requests still running on an old
  // runtime after cred-1 was dropped may fetch it once more.
  EXPECT_GE(fetches.load(), 2);
  EXPECT_LE(fetches.load(), 2 + kThreads);
}

TEST(Concurrency, BalancerRoundRobinAcrossModels) {
  Balancer b;
  b.add("m1", 0, {"x1", "x2", "x3"});
  b.add("m1", 1, {"y1"});
  b.add("m2", 0, {"z1", "z2"});
  std::atomic<int> m1_first_sub0{0};
  run_threads(kThreads, [&](int id) {
    for (int i = 0; i < 2000; ++i) {
      auto c = b.candidates(id % 2 ? "m1" : "m2");
      ASSERT_EQ(c.size(), id % 2 ? 4u : 2u);
      std::set<std::string> urls;
      for (const auto& t : c) urls.insert(t.url);
      ASSERT_EQ(urls.size(), c.size()) << "every deployment exactly once";
      if (id % 2 && c[0].subaccount == 0) m1_first_sub0.fetch_add(1);
    }
  });
  EXPECT_EQ(m1_first_sub0.load(), kThreads / 2 * 2000 / 2) << "subaccounts alternate";
}

TEST(Concurrency, RedactorAddsAndRedactsFromManyThreads) {
  // Tokens are added by whichever request thread fetched them while every other thread logs.
  run_threads(kThreads, [](int id) {
    for (int i = 0; i < 200; ++i) {
      std::string secret = "tsan-secret-" + std::to_string(id) + "-" + std::to_string(i) + "-xyzzy";
      Redactor::instance().add(secret);
      std::string line = redact("Authorization: Bearer " + secret + " for request " + std::to_string(i));
      ASSERT_EQ(line.find(secret), std::string::npos) << line;
      ASSERT_NE(line.find("***"), std::string::npos) << line;
    }
  });
}

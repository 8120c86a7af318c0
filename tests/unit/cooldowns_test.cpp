// Cooldowns and the attempt plan: A, B, C failover, never back to a cooled deployment while
// another is available, growing cooldowns, half-open probes, bounded waits.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "balance/Cooldowns.hpp"
#include "retry/AttemptPlan.hpp"

using namespace aicore::host;
using namespace std::chrono;

namespace {
struct FakeClock {
  Cooldowns::Clock::time_point t{seconds(1000)};
  Cooldowns::Now now() {
    return [this] { return t; };
  }
};
RetrySettings settings() {
  RetrySettings s;
  s.rate_limit_cooldown_s = 15;
  s.failure_threshold = 2;
  s.failure_cooldown_s = 5;
  s.max_cooldown_s = 60;
  return s;
}
std::vector<Target> abc() { return {{0, "A"}, {1, "B"}, {2, "C"}}; }
}  // namespace

TEST(Cooldowns, RateLimitHonoursRetryAfterOrTheDefault) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  cd.rate_limited("A", seconds(30));
  cd.rate_limited("B", std::nullopt);
  EXPECT_FALSE(cd.try_acquire("A"));
  EXPECT_FALSE(cd.try_acquire("B"));
  c.t += seconds(16);
  EXPECT_FALSE(cd.try_acquire("A"));
  EXPECT_TRUE(cd.try_acquire("B"));  // default 15 s over
  c.t += seconds(15);
  EXPECT_TRUE(cd.try_acquire("A"));
}

TEST(Cooldowns, RepeatedFailuresCoolForGrowingPeriods) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  cd.failed("A");
  EXPECT_TRUE(cd.try_acquire("A"));  // one failure: still in rotation
  cd.failed("A");
  EXPECT_FALSE(cd.try_acquire("A"));  // threshold reached: 5 s
  c.t += seconds(5);
  EXPECT_TRUE(cd.try_acquire("A"));  // half-open probe
  cd.failed("A");                    // probe failed: 10 s
  c.t += seconds(9);
  EXPECT_FALSE(cd.try_acquire("A"));
  c.t += seconds(1);
  EXPECT_TRUE(cd.try_acquire("A"));
  cd.succeeded("A");
  cd.failed("A");
  EXPECT_TRUE(cd.try_acquire("A"));  // success reset the history
}

TEST(Cooldowns, HalfOpenAllowsOneProbeAtATime) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  cd.rate_limited("A", seconds(1));
  c.t += seconds(2);
  EXPECT_TRUE(cd.try_acquire("A"));
  EXPECT_FALSE(cd.try_acquire("A"));  // another request is probing
  cd.release("A");
  EXPECT_TRUE(cd.try_acquire("A"));
  cd.succeeded("A");
  EXPECT_TRUE(cd.try_acquire("A"));
  EXPECT_TRUE(cd.try_acquire("A"));  // closed again: no limit
}

TEST(Cooldowns, ASuccessNeverShortensARetryAfterSetMeanwhile) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  ASSERT_TRUE(cd.try_acquire("A"));   // request 1 starts on A
  cd.rate_limited("A", seconds(30));  // request 2 is told to back off for 30 s
  cd.succeeded("A");                  // request 1 then succeeds
  EXPECT_FALSE(cd.try_acquire("A"));  // the Retry-After still holds
  c.t += seconds(29);
  EXPECT_FALSE(cd.try_acquire("A"));
  c.t += seconds(1);
  EXPECT_TRUE(cd.try_acquire("A"));
  EXPECT_TRUE(cd.try_acquire("A"));  // closed, not half-open: the success already proved it works
}

TEST(Cooldowns, ASuccessClearsFailuresOnceTheRetryAfterIsOver) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  cd.rate_limited("A", seconds(2));
  c.t += seconds(3);
  cd.failed("A");
  cd.succeeded("A");
  cd.failed("A");
  EXPECT_TRUE(cd.try_acquire("A"));  // one failure since the success: below the threshold
}

TEST(Cooldowns, AReloadKeepsTheStateOfDeploymentsThatStay) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  cd.rate_limited("A", seconds(30));
  cd.rate_limited("B", seconds(30));
  RetrySettings s = settings();
  s.rate_limit_cooldown_s = 40;
  cd.configure(s);
  cd.retain({"A", "C"});
  EXPECT_FALSE(cd.try_acquire("A"));  // still cooling
  EXPECT_TRUE(cd.try_acquire("B"));   // removed from the config: forgotten
  cd.rate_limited("C", std::nullopt);
  c.t += seconds(39);
  EXPECT_FALSE(cd.try_acquire("C"));  // the new default
}

TEST(AttemptPlan, FailsOverAcrossCandidatesNeverRepeatingWhileOthersRemain) {
  Cooldowns cd(settings());
  RetrySettings s = settings();
  s.max_attempts = 3;
  AttemptPlan plan(abc(), cd, s);
  std::vector<std::string> order;
  while (auto t = plan.next()) {
    order.push_back(t->url);
    cd.failed(t->url);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"A", "B", "C"}));
}

TEST(AttemptPlan, SkipsCooledDeployments) {
  Cooldowns cd(settings());
  cd.rate_limited("A", seconds(30));
  AttemptPlan plan(abc(), cd, settings());
  EXPECT_EQ(plan.next()->url, "B");
  cd.rate_limited("B", seconds(30));
  EXPECT_EQ(plan.next()->url, "C");
}

TEST(AttemptPlan, BacksOffBetweenRoundsWithinTheDeadline) {
  Cooldowns cd(settings());
  RetrySettings s = settings();
  s.max_attempts = 4;
  s.base_delay_ms = 100;
  s.max_delay_ms = 1000;
  AttemptPlan plan({{0, "A"}, {1, "B"}}, cd, s);
  std::vector<milliseconds> slept;
  plan.sleep = [&](AttemptPlan::Clock::duration d) { slept.push_back(duration_cast<milliseconds>(d)); };
  std::vector<std::string> order;
  while (auto t = plan.next()) order.push_back(t->url);  // no verdicts: nothing cools
  EXPECT_EQ(order, (std::vector<std::string>{"A", "B", "A", "B"}));
  ASSERT_EQ(slept.size(), 1u);
  EXPECT_GE(slept[0], milliseconds(50));  // base with jitter in [base/2, base]
  EXPECT_LE(slept[0], milliseconds(100));
}

TEST(AttemptPlan, EverythingCoolingLongerThanTheWaitBudgetGivesUpWithRetryAfter) {
  Cooldowns cd(settings());
  cd.rate_limited("A", seconds(20));
  cd.rate_limited("B", seconds(40));
  RetrySettings s = settings();
  s.max_delay_ms = 1000;
  AttemptPlan plan({{0, "A"}, {1, "B"}}, cd, s);
  plan.sleep = [](AttemptPlan::Clock::duration) { FAIL() << "must not wait past max_delay"; };
  EXPECT_FALSE(plan.next());
  EXPECT_TRUE(plan.gave_up_cooling());
  EXPECT_GE(plan.retry_after().count(), 19);
  EXPECT_LE(plan.retry_after().count(), 21);
}

TEST(AttemptPlan, ShortCooldownIsWaitedOut) {
  Cooldowns cd(settings());
  cd.rate_limited("A", seconds(1));
  RetrySettings s = settings();
  s.max_delay_ms = 2000;
  AttemptPlan plan({{0, "A"}}, cd, s);
  int waits = 0;
  plan.sleep = [&](AttemptPlan::Clock::duration d) {
    ++waits;
    std::this_thread::sleep_for(d);
  };
  auto t = plan.next();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->url, "A");
  EXPECT_EQ(waits, 1);
}

// Cooldowns another instance published (shared/): they take a deployment out of rotation here
// too (half-open after), never shorten what this instance decided, and are not ended by a success
// seen here.
TEST(Cooldowns, ARemoteCooldownTakesTheDeploymentOut) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  cd.apply_remote("A", c.t + seconds(20));
  EXPECT_FALSE(cd.try_acquire("A"));
  EXPECT_TRUE(cd.try_acquire("B"));
  EXPECT_EQ(cd.remaining("A"), seconds(20));
  c.t += seconds(20);
  // Over: half-open here too, one probe at a time, until one succeeds.
  EXPECT_EQ(cd.view("A").phase, Cooldowns::Phase::HalfOpen);
  EXPECT_TRUE(cd.try_acquire("A"));
  EXPECT_FALSE(cd.try_acquire("A"));
  cd.succeeded("A");
  EXPECT_TRUE(cd.try_acquire("A"));
  EXPECT_TRUE(cd.try_acquire("A"));
}

TEST(Cooldowns, AFailedProbeAfterARemoteCooldownCoolsItHereAndTellsThePeers) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  std::vector<Cooldowns::Clock::time_point> told;
  cd.on_cooled([&](const std::string&, Cooldowns::Clock::time_point until) { told.push_back(until); });
  cd.apply_remote("A", c.t + seconds(20));
  EXPECT_TRUE(told.empty()) << "a peer's cooldown is not published back";
  c.t += seconds(20);
  ASSERT_TRUE(cd.try_acquire("A"));
  cd.failed("A");  // the probe: one failure is enough while half-open
  EXPECT_TRUE(cd.cooling("A"));
  ASSERT_EQ(told.size(), 1u);
  EXPECT_GT(told[0], c.t);
}

TEST(Cooldowns, ARemoteCooldownNeverShortensALocalOne) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  cd.rate_limited("A", seconds(30));
  cd.apply_remote("A", c.t + seconds(5));
  EXPECT_EQ(cd.remaining("A"), seconds(30));
  cd.apply_remote("A", c.t + seconds(45));  // a later end does extend it
  EXPECT_EQ(cd.remaining("A"), seconds(45));
}

TEST(Cooldowns, ALocalSuccessDoesNotEndARemoteCooldown) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  ASSERT_TRUE(cd.try_acquire("A"));         // a request starts on A
  cd.apply_remote("A", c.t + seconds(10));  // meanwhile a peer is told to back off
  cd.succeeded("A");                        // the request then succeeds
  EXPECT_FALSE(cd.try_acquire("A"));
  c.t += seconds(10);
  EXPECT_TRUE(cd.try_acquire("A"));
}

TEST(Cooldowns, AnEndedRemoteCooldownLeavesNoTrace) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  cd.apply_remote("A", c.t - seconds(1));
  cd.apply_remote("B", c.t);
  EXPECT_EQ(cd.view("A").phase, Cooldowns::Phase::Healthy);
  EXPECT_TRUE(cd.try_acquire("A"));
  EXPECT_TRUE(cd.try_acquire("B"));
}

TEST(Cooldowns, TellsTheHookOfEveryCooldownItStartsAndOnlyThose) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  std::vector<std::pair<std::string, Cooldowns::Clock::time_point>> told;
  cd.on_cooled([&](const std::string& url, Cooldowns::Clock::time_point until) {
    EXPECT_TRUE(cd.cooling(url));  // called with the lock released: the hook may read
    told.emplace_back(url, until);
  });
  cd.rate_limited("A", seconds(30));
  cd.failed("B");                          // below the threshold: not cooled, nothing to tell
  cd.failed("B");                          // cooled for 5 s
  cd.apply_remote("C", c.t + seconds(9));  // a peer's: not sent back
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[0].first, "A");
  EXPECT_EQ(told[0].second, c.t + seconds(30));
  EXPECT_EQ(told[1].first, "B");
  EXPECT_EQ(told[1].second, c.t + seconds(5));
  cd.on_cooled(nullptr);
  cd.rate_limited("A", seconds(40));
  EXPECT_EQ(told.size(), 2u);
}

// Half-open probes claimed from the peers (shared/ProbeStore): when a shared cooldown ends on
// every instance at once, one of them probes.
namespace {
struct FakeProbes : ProbePeers {
  Claim next = Claim::Won;
  std::vector<std::string> claims;
  std::vector<std::pair<std::string, milliseconds>> releases;
  Claim claim(const std::string& url) override {
    claims.push_back(url);
    return next;
  }
  void release(const std::string& url, milliseconds keep) override { releases.emplace_back(url, keep); }
};
}  // namespace

TEST(Cooldowns, AHalfOpenProbeIsClaimedFromThePeers) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  auto probes = std::make_shared<FakeProbes>();
  cd.share_probes(probes);
  EXPECT_TRUE(cd.try_acquire("A"));
  EXPECT_TRUE(probes->claims.empty()) << "a healthy deployment asks nobody";
  cd.apply_remote("A", c.t + seconds(20));
  c.t += seconds(20);
  probes->next = ProbePeers::Claim::Lost;
  EXPECT_FALSE(cd.try_acquire("A")) << "a peer probes it";
  EXPECT_FALSE(cd.try_acquire("A"));
  EXPECT_EQ(probes->claims.size(), 1u) << "asked again only after the pause";
  c.t += Cooldowns::kProbeLostPause;
  probes->next = ProbePeers::Claim::Won;
  EXPECT_TRUE(cd.try_acquire("A"));
  EXPECT_FALSE(cd.try_acquire("A")) << "this instance's probe is in flight";
  EXPECT_EQ(probes->claims.size(), 2u);
  cd.succeeded("A");
  ASSERT_EQ(probes->releases.size(), 1u);
  EXPECT_EQ(probes->releases[0], std::make_pair(std::string("A"), milliseconds(0))) << "success: claimable at once";
  EXPECT_TRUE(cd.try_acquire("A"));
  EXPECT_TRUE(cd.try_acquire("A"));
  EXPECT_EQ(probes->claims.size(), 2u) << "closed: nobody asked";
}

TEST(Cooldowns, AFailedProbeKeepsTheClaimForTheNewCooldown) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  auto probes = std::make_shared<FakeProbes>();
  cd.share_probes(probes);
  cd.apply_remote("A", c.t + seconds(20));
  c.t += seconds(20);
  ASSERT_TRUE(cd.try_acquire("A"));
  cd.failed("A");
  ASSERT_TRUE(cd.cooling("A"));
  ASSERT_EQ(probes->releases.size(), 1u);
  EXPECT_EQ(probes->releases[0].second, duration_cast<milliseconds>(cd.remaining("A")))
      << "no peer probes before it has learnt of this cooldown";
  cd.release("B");  // never probed here: nothing to release
  EXPECT_EQ(probes->releases.size(), 1u);
}

TEST(Cooldowns, PeersOutOfReachThisInstanceProbesAlone) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  auto probes = std::make_shared<FakeProbes>();
  probes->next = ProbePeers::Claim::Unavailable;
  cd.share_probes(probes);
  cd.apply_remote("A", c.t + seconds(20));
  c.t += seconds(20);
  EXPECT_TRUE(cd.try_acquire("A"));
  EXPECT_FALSE(cd.try_acquire("A")) << "still one probe at a time here";
  cd.release("A");  // the client left: no verdict, the claim goes
  ASSERT_EQ(probes->releases.size(), 1u);
  EXPECT_EQ(probes->releases[0].second, milliseconds(0));
}

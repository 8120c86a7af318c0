// Failover: what each attempt outcome does to the deployment's cooldown and to the request —
// fail over (A, B, C), re-authorise once on the same deployment, stop when the client has its
// answer — and what the client is told when every attempt failed.
#include <gtest/gtest.h>

#include "retry/Failover.hpp"

using namespace aicore::host;
using namespace std::chrono;
using Health = Outcome::Health;

namespace {
struct FakeClock {
  Cooldowns::Clock::time_point t{seconds(1000)};
  Cooldowns::Now now() { return [this] { return t; }; }
};
RetrySettings settings() {
  RetrySettings s;
  s.max_attempts = 3;
  s.failure_threshold = 1;
  s.failure_cooldown_s = 5;
  s.rate_limit_cooldown_s = 15;
  s.max_delay_ms = 0;  // never wait for a cooldown in these tests: give up instead
  return s;
}
std::vector<Target> ab() { return {{0, "A"}, {1, "B"}}; }
Failover make(Cooldowns& cd) {
  Failover f(ab(), cd, settings());
  f.plan().sleep = [](auto) { FAIL() << "no back-off expected"; };
  return f;
}
}  // namespace

TEST(Failover, ASuccessFinishesAndKeepsTheDeploymentInRotation) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  Failover f = make(cd);
  auto t = f.next();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->url, "A");
  EXPECT_FALSE(f.settle(Outcome::finished()));
  EXPECT_TRUE(cd.try_acquire("A"));
}

TEST(Failover, ARateLimitCoolsForRetryAfterAndFailsOverToTheNext) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  Failover f = make(cd);
  ASSERT_EQ(f.next()->url, "A");
  EXPECT_TRUE(f.settle(Outcome::retry(Health::RateLimited, 429, "slow down", "40")));
  EXPECT_EQ(f.next()->url, "B");
  EXPECT_FALSE(f.settle(Outcome::finished()));
  c.t += seconds(39);
  EXPECT_FALSE(cd.try_acquire("A"));
  c.t += seconds(2);
  EXPECT_TRUE(cd.try_acquire("A"));
}

TEST(Failover, ReauthorisesOnceOnTheSameDeploymentThenTreatsItAsAFailure) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  Failover f = make(cd);
  ASSERT_EQ(f.next()->url, "A");
  EXPECT_TRUE(f.can_reauthorize());
  Outcome refused = Outcome::retry(Health::Failing, 401, "Jwt is expired");
  refused.then = Outcome::Then::Reauthorize;
  EXPECT_TRUE(f.settle(refused));
  EXPECT_FALSE(f.can_reauthorize());
  EXPECT_EQ(f.next()->url, "A");  // the same deployment, with a fresh token
  EXPECT_EQ(f.attempts(), 2);
  EXPECT_FALSE(cd.cooling("A"));  // a first 401 says nothing about the deployment
  EXPECT_TRUE(f.settle(refused));  // refused again: a failure like any other
  EXPECT_TRUE(cd.cooling("A"));
  EXPECT_EQ(f.next()->url, "B");
}

TEST(Failover, AnUnknownOutcomeReleasesTheClaimWithoutAVerdict) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  Failover f = make(cd);
  ASSERT_EQ(f.next()->url, "A");
  EXPECT_TRUE(f.settle(Outcome::retry(Health::Unknown, 502, "token endpoint down")));
  EXPECT_FALSE(cd.cooling("A"));
  EXPECT_TRUE(cd.try_acquire("A"));
}

TEST(Failover, GivingUpAfterFailuresNamesTheAttemptsAndTheLastError) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  Failover f = make(cd);
  while (auto t = f.next()) f.settle(Outcome::retry(Health::Unknown, 500, "Internal Server Error"));
  GiveUp g = f.give_up("gpt-4o");
  EXPECT_EQ(g.status, 502);
  EXPECT_EQ(g.message, "upstream failed after 3 attempt(s): Internal Server Error");
  EXPECT_TRUE(g.retry_after.empty());
}

TEST(Failover, GivingUpWhileEverythingCoolsAnswers429WithRetryAfter) {
  FakeClock c;
  Cooldowns cd(settings(), c.now());
  Failover f = make(cd);
  while (auto t = f.next()) f.settle(Outcome::retry(Health::RateLimited, 429, "rate limited by AI Core", "30"));
  GiveUp g = f.give_up("gpt-4o");
  EXPECT_EQ(g.status, 429);
  EXPECT_NE(g.message.find("every deployment of 'gpt-4o' is cooling down"), std::string::npos) << g.message;
  EXPECT_NE(g.message.find("rate limited by AI Core"), std::string::npos) << g.message;
  EXPECT_FALSE(g.retry_after.empty());
}

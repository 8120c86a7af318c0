// Global quotas (shared_state.redis_url), apart from Redis: usage counted into deltas per window
// bucket and merged (an outage cannot grow them beyond the windows), the peers' usage as Redis's
// total less this instance's own part, admit() against own + peers', and peers' numbers that
// stop counting once they are too old. Times are Unix ms chosen by the test.
#include <gtest/gtest.h>

#include "quota/PeerUsage.hpp"
#include "quota/QuotaBook.hpp"
#include "quota/QuotaDeltas.hpp"
#include "shared/QuotaCounters.hpp"

using namespace aicore::host;
using aicore::host::shared::QuotaCounters;

namespace {
// 2026-12-06T10:00:00Z, the start of a 5-second slot
constexpr int64_t kT0 = 1796551200000;
const int64_t kSlot0 = quota_slot(kT0);

KeyLimits requests(int64_t n) {
  KeyLimits l;
  l.requests_per_minute = n;
  return l;
}

// Peers' usage that arrived at `now`, trusted for 2 s, with `n` requests and `tokens` in the slot of `at`.
PeerUsage peers_used(int64_t now, int64_t at, int64_t n, int64_t tokens = 0) {
  PeerUsage p;
  p.first_slot = quota_slot(now) - kQuotaWindowSlots + 1;
  const auto i = static_cast<size_t>(quota_slot(at) - p.first_slot);
  p.requests[i] = n;
  p.tokens[i] = tokens;
  p.day = utc_day(now);
  p.day_tokens = tokens;
  p.month = utc_month(now);
  p.month_tokens = tokens;
  p.valid_until_ms = now + 2000;
  return p;
}
}  // namespace

TEST(SharedQuota, DeltasMergePerBucketAndDropWhatNoLongerCounts) {
  QuotaDeltas d;
  add_usage(d, kT0, 1, 10);
  add_usage(d, kT0 + 4999, 1, 5);  // same slot
  add_usage(d, kT0 + 5000, 1, 0);  // next slot, no tokens
  EXPECT_EQ((d[{QuotaBucket::Requests, kSlot0}]), 2);
  EXPECT_EQ((d[{QuotaBucket::Tokens, kSlot0}]), 15);
  EXPECT_EQ((d[{QuotaBucket::Requests, kSlot0 + 1}]), 1);
  EXPECT_EQ((d[{QuotaBucket::Day, utc_day(kT0)}]), 15);
  EXPECT_EQ((d[{QuotaBucket::Month, utc_month(kT0)}]), 15);
  EXPECT_EQ(d.size(), 5u);
  // A settle correction cancels an estimate: the bucket goes rather than sending a zero.
  QuotaDeltas back;
  add_usage(back, kT0, 0, -15);
  merge(d, back);
  EXPECT_FALSE(d.contains({QuotaBucket::Tokens, kSlot0}));
  EXPECT_FALSE(d.contains({QuotaBucket::Day, utc_day(kT0)}));
  // An hour of outage: a thousand requests still make one entry per slot of the last minute.
  QuotaDeltas outage;
  for (int i = 0; i < 3600; ++i) add_usage(outage, kT0 + i * 1000LL, 1, 1);
  prune(outage, kT0 + 3600 * 1000LL);
  EXPECT_LE(outage.size(), size_t(2 * kQuotaWindowSlots + 2));
  EXPECT_TRUE(outage.contains({QuotaBucket::Day, utc_day(kT0)}));
}

TEST(SharedQuota, TheBookCountsDeltasOnlyOnceSharingAndSettlesAreFurtherDeltas) {
  QuotaBook book;
  KeyLimits lim;
  lim.tokens_per_day = 1000;
  QuotaCharge c;
  ASSERT_TRUE(book.admit("alice", lim, 10, kT0, c).ok);
  EXPECT_TRUE(book.take_deltas(kT0).empty());  // not sharing: nothing kept for Redis
  book.share();
  ASSERT_TRUE(book.admit("alice", lim, 10, kT0 + 100, c).ok);
  book.settle("alice", c, 25, kT0 + 7000);  // counted in the slot it was admitted in
  auto taken = book.take_deltas(kT0 + 7000);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].key, "alice");
  EXPECT_EQ((taken[0].fresh[{QuotaBucket::Requests, kSlot0}]), 1);
  EXPECT_EQ((taken[0].fresh[{QuotaBucket::Tokens, kSlot0}]), 25);
  EXPECT_EQ((taken[0].fresh[{QuotaBucket::Day, utc_day(kT0)}]), 25);
  EXPECT_TRUE(book.take_deltas(kT0 + 7000).empty());  // taken once
}

TEST(SharedQuota, PeersAreRedisTotalLessWhatThisInstanceSent) {
  QuotaBook book;
  book.share();
  QuotaCharge c;
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(book.admit("alice", requests(10), 7, kT0 + i, c).ok);
  QuotaCounters counters;
  counters.collect(book, kT0 + 10);
  ASSERT_EQ(counters.pending().at("alice").size(), 4u);  // requests, tokens, day, month
  EXPECT_EQ(counters.increments().size(), 8u);           // INCRBY + EXPIRE each
  EXPECT_EQ(counters.redis_key("alice", {QuotaBucket::Requests, kSlot0}),
            "aicore:quota:{alice}:r:" + std::to_string(kSlot0));
  counters.sent(kT0 + 10);
  EXPECT_TRUE(counters.pending().empty());
  // Redis now holds our 2 requests and 14 tokens plus a peer's 3 requests and 30 tokens.
  const auto w = QuotaCounters::window(kT0 + 10);
  std::vector<int64_t> totals(w.size(), 0);
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] == QuotaBucket{QuotaBucket::Requests, kSlot0}) totals[i] = 5;
    if (w[i] == QuotaBucket{QuotaBucket::Tokens, kSlot0}) totals[i] = 44;
    if (w[i].kind == QuotaBucket::Day || w[i].kind == QuotaBucket::Month) totals[i] = 44;
  }
  const PeerUsage p = counters.peers("alice", totals, kT0 + 10, kT0 + 2010);
  EXPECT_EQ(p.requests_minute(kT0 + 10), 3);
  EXPECT_EQ(p.tokens_minute(kT0 + 10), 30);
  EXPECT_EQ(p.tokens_day(kT0 + 10), 30);
  EXPECT_EQ(p.tokens_month(kT0 + 10), 30);
  // Redis restarted empty: never a negative peer.
  const PeerUsage none = counters.peers("alice", std::vector<int64_t>(w.size(), 0), kT0 + 10, kT0 + 2010);
  EXPECT_EQ(none.requests_minute(kT0 + 10), 0);
}

TEST(SharedQuota, ARedisThatRestartedEmptyGetsWhatWasSentAgain) {
  QuotaBook book;
  book.share();
  QuotaCharge c;
  ASSERT_TRUE(book.admit("alice", requests(10), 7, kT0, c).ok);
  QuotaCounters counters;
  counters.epoch_seen("e1");
  counters.collect(book, kT0);
  counters.sent(kT0);
  counters.epoch_seen("e1");  // the connection broke, Redis kept its data: nothing to resend
  EXPECT_TRUE(counters.pending().empty());
  counters.epoch_seen("e2");  // a new Redis: our part of the totals is gone
  ASSERT_EQ(counters.pending().count("alice"), 1u);
  EXPECT_EQ((counters.pending().at("alice").at({QuotaBucket::Tokens, kSlot0})), 7);
}

TEST(SharedQuota, RowsRestoredFromTheLedgerCountAsAlreadySent) {
  QuotaBook book;
  book.restore("alice", kT0 - 1000, 50, kT0);
  book.share();
  QuotaCounters counters;
  counters.collect(book, kT0);
  EXPECT_TRUE(counters.pending().empty());
  const auto w = QuotaCounters::window(kT0);
  std::vector<int64_t> totals(w.size(), 0);
  for (size_t i = 0; i < w.size(); ++i)
    if (w[i].kind == QuotaBucket::Day) totals[i] = 50;
  EXPECT_EQ(counters.peers("alice", totals, kT0, kT0 + 2000).tokens_day(kT0), 0);
}

TEST(SharedQuota, AdmitCountsOwnPlusPeersAndRetryAfterFollowsThePeersSlot) {
  QuotaBook book;
  QuotaCharge c;
  ASSERT_TRUE(book.admit("alice", requests(6), 0, kT0, c).ok);
  // Peers used 4 of the 6, in the slot before kT0's.
  book.set_peers("alice", peers_used(kT0 + 100, kT0 - 2000, 4));
  ASSERT_TRUE(book.admit("alice", requests(6), 0, kT0 + 100, c).ok);
  const QuotaVerdict v = book.admit("alice", requests(6), 0, kT0 + 200, c);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.limit, "requests_per_minute");
  // The peers' slot began at kT0 - 5000 and leaves the window at kT0 + 60000: 60 s from kT0 + 200.
  EXPECT_EQ(v.retry_after_s, 60);
  // What the dashboard shows: the 6 the limit was checked against, 4 of them the peers'.
  const auto u = book.used("alice", kT0 + 200);
  EXPECT_EQ(u.all.requests_minute, 6);
  EXPECT_TRUE(u.peers_known);
  EXPECT_EQ(u.peers.requests_minute, 4);
  // Once the peers' numbers expire (Redis gone), only this instance's own exact count is left.
  const auto later = book.used("alice", kT0 + 30000);
  EXPECT_FALSE(later.peers_known);
  EXPECT_EQ(later.all.requests_minute, 2);
}

TEST(SharedQuota, PeersTokensCountAgainstEveryTokenWindow) {
  QuotaBook book;
  QuotaCharge c;
  KeyLimits lim;
  lim.tokens_per_day = 100;
  book.set_peers("alice", peers_used(kT0, kT0, 0, 95));
  const QuotaVerdict v = book.admit("alice", lim, 10, kT0, c);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.limit, "tokens_per_day");
  EXPECT_NE(v.message.find("used 95"), std::string::npos) << v.message;
  KeyLimits minute;
  minute.tokens_per_minute = 100;
  const QuotaVerdict m = book.admit("alice", minute, 10, kT0, c);
  ASSERT_FALSE(m.ok);
  EXPECT_EQ(m.limit, "tokens_per_minute");
  EXPECT_EQ(m.retry_after_s, 65);  // the peers' slot [kT0, kT0 + 5 s) leaves at kT0 + 65 s
}

TEST(SharedQuota, StalePeerNumbersStopCounting) {
  QuotaBook book;
  QuotaCharge c;
  book.set_peers("alice", peers_used(kT0, kT0, 6));
  EXPECT_FALSE(book.admit("alice", requests(6), 0, kT0 + 1000, c).ok);
  // Redis went away and nothing replaced them: two seconds on, the instance counts alone.
  EXPECT_TRUE(book.admit("alice", requests(6), 0, kT0 + 2000, c).ok);
}

TEST(SharedQuota, APeerSlotLeavesTheMinuteWithoutANewRead) {
  PeerUsage p = peers_used(kT0 + 100, kT0, 3);
  p.valid_until_ms = kT0 + 120000;
  EXPECT_EQ(p.requests_minute(kT0 + 64999), 3);  // the slot overlaps the minute: counted whole
  EXPECT_EQ(p.requests_minute(kT0 + 65000), 0);
}

// Quota arithmetic: the sliding minute windows (requests exactly, tokens by the second), the
// UTC day and month, estimates settled with real use, Retry-After, and counters rebuilt from
// rows (as at start-up from the ledger). Times are Unix ms chosen by the test.
#include <gtest/gtest.h>

#include "config/Config.hpp"
#include "quota/QuotaBook.hpp"
#include "quota/TokenEstimate.hpp"

using namespace aicore::host;

namespace {
// 2026-12-06T10:00:00Z
constexpr int64_t kT0 = 1796551200000;
}  // namespace

TEST(Quota, CalendarArithmetic) {
  EXPECT_EQ(next_utc_day_ms(kT0), 1796601600000);        // 2026-12-07T00:00:00Z
  EXPECT_EQ(utc_month_start_ms(kT0), 1796083200000);     // 2026-12-01T00:00:00Z
  EXPECT_EQ(next_utc_month_ms(kT0), 1798761600000);      // 2027-01-01T00:00:00Z (December rolls over)
  EXPECT_EQ(utc_month(kT0), 2026 * 12 + 11);
  EXPECT_EQ(utc_day(next_utc_day_ms(kT0)) - utc_day(kT0), 1);
}

TEST(Quota, RequestsPerMinuteSlideExactly) {
  QuotaBook book;
  KeyLimits lim;
  lim.requests_per_minute = 2;
  QuotaCharge c;
  EXPECT_TRUE(book.admit("alice", lim, 0, kT0, c).ok);
  EXPECT_TRUE(c.active);
  EXPECT_TRUE(book.admit("alice", lim, 0, kT0 + 10000, c).ok);
  QuotaVerdict v = book.admit("alice", lim, 0, kT0 + 20000, c);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.limit, "requests_per_minute");
  EXPECT_EQ(v.limit_value, 2);
  EXPECT_EQ(v.retry_after_s, 40);  // the first request leaves the window at kT0 + 60 s
  EXPECT_NE(v.message.find("alice"), std::string::npos);
  EXPECT_NE(v.message.find("2 requests per minute"), std::string::npos);
  // Refused requests are not counted; another key has its own window.
  EXPECT_TRUE(book.admit("bob", lim, 0, kT0 + 20000, c).ok);
  EXPECT_FALSE(book.admit("alice", lim, 0, kT0 + 59999, c).ok);
  EXPECT_TRUE(book.admit("alice", lim, 0, kT0 + 60000, c).ok);
  EXPECT_FALSE(book.admit("alice", lim, 0, kT0 + 60001, c).ok);
}

TEST(Quota, TokensPerMinuteEstimateThenSettle) {
  QuotaBook book;
  KeyLimits lim;
  lim.tokens_per_minute = 1000;
  QuotaCharge a, b;
  ASSERT_TRUE(book.admit("k", lim, 600, kT0, a).ok);
  // The estimate is charged at once: a parallel request cannot slip under the limit.
  QuotaVerdict v = book.admit("k", lim, 600, kT0 + 1000, b);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.limit, "tokens_per_minute");
  EXPECT_EQ(v.retry_after_s, 59);  // the 600 of second kT0 leave the window 60 s after it
  // The first request really used 300 tokens: settled, there is room.
  book.settle("k", a, 300, kT0 + 2000);
  EXPECT_EQ(book.used("k", kT0 + 2000).all.tokens_minute, 300);
  ASSERT_TRUE(book.admit("k", lim, 600, kT0 + 3000, b).ok);
  book.settle("k", b, 650, kT0 + 4000);
  EXPECT_EQ(book.used("k", kT0 + 4000).all.tokens_minute, 950);
  // 60 s after the first, its 300 have left; the second's 650 remain.
  EXPECT_EQ(book.used("k", kT0 + 60000).all.tokens_minute, 650);
  EXPECT_EQ(book.used("k", kT0 + 63000).all.tokens_minute, 0);
  EXPECT_EQ(book.used("k", kT0 + 63000).all.tokens_day, 950);
  // A request larger than the whole limit says so and waits a whole window.
  v = book.admit("k", lim, 5000, kT0 + 64000, b);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.retry_after_s, 60);
}

TEST(Quota, DayAndMonthAreUtcCalendarPeriods) {
  QuotaBook book;
  KeyLimits lim;
  lim.tokens_per_day = 1000;
  lim.tokens_per_month = 1500;
  QuotaCharge c;
  ASSERT_TRUE(book.admit("k", lim, 900, kT0, c).ok);
  book.settle("k", c, 900, kT0);
  QuotaVerdict v = book.admit("k", lim, 200, kT0 + 1000, c);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.limit, "tokens_per_day");
  EXPECT_EQ(v.retry_after_s, 14 * 3600 - 1);  // until 00:00 UTC
  EXPECT_NE(v.message.find("used 900"), std::string::npos);
  // The next day has room; the month does not for long.
  const int64_t tomorrow = next_utc_day_ms(kT0) + 5000;
  ASSERT_TRUE(book.admit("k", lim, 500, tomorrow, c).ok);
  book.settle("k", c, 500, tomorrow);
  v = book.admit("k", lim, 200, tomorrow + 1000, c);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.limit, "tokens_per_month");
  EXPECT_EQ(v.retry_after_s, (next_utc_month_ms(tomorrow) - tomorrow - 1000) / 1000);
  EXPECT_TRUE(book.admit("k", lim, 200, next_utc_month_ms(kT0), c).ok);
}

TEST(Quota, NoLimitsStillCountsSoALaterLimitApplies) {
  QuotaBook book;
  QuotaCharge c;
  ASSERT_TRUE(book.admit("k", KeyLimits{}, 0, kT0, c).ok);
  book.settle("k", c, 700, kT0 + 100);
  KeyLimits lim;
  lim.tokens_per_day = 1000;
  EXPECT_FALSE(book.admit("k", lim, 400, kT0 + 200, c).ok);
  EXPECT_TRUE(book.admit("k", lim, 300, kT0 + 200, c).ok);
}

TEST(Quota, RestoredRowsCountLikeLiveOnes) {
  QuotaBook book;
  const int64_t now = kT0;
  book.restore("k", utc_month_start_ms(now), 1000, now);   // earlier this month
  book.restore("k", now - 30000, 50, now);                  // in the last minute, out of order
  book.restore("k", now - 40000, 60, now);
  book.restore("k", now - 40 * 86400000LL, 999999, now);  // last month or before: not counted
  const auto u = book.used("k", now).all;
  EXPECT_EQ(u.requests_minute, 2);
  EXPECT_EQ(u.tokens_minute, 110);
  EXPECT_EQ(u.tokens_day, 110);
  EXPECT_EQ(u.tokens_month, 1110);
  KeyLimits lim;
  lim.requests_per_minute = 2;
  QuotaCharge c;
  const QuotaVerdict v = book.admit("k", lim, 0, now, c);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.retry_after_s, 20);  // the row of now - 40 s leaves first
}

TEST(Quota, TokenEstimateFollowsCountTokensRule) {
  EXPECT_EQ(estimate_input_tokens(""), 1);
  EXPECT_EQ(estimate_input_tokens(R"({"a":"12345678"})"), 1 + 2);
  // An image's base64 counts as the image ceiling, not its size.
  const std::string image(400000, 'A');
  EXPECT_EQ(estimate_input_tokens(R"({"data":")" + image + R"("})"), 1 + 1600);
  // Long prose (not base64: spaces) counts by its bytes.
  const std::string prose(8000, ' ');
  EXPECT_EQ(estimate_input_tokens(R"({"t":")" + prose + R"("})"), 1 + 2000);
  // Unterminated or escaped strings never read past the end.
  EXPECT_GE(estimate_input_tokens(R"({"a":"abc\)"), 1);
  EXPECT_GE(estimate_input_tokens("\"\\"), 1);
}

TEST(Quota, LimitsInTheConfig) {
  const char* cfg = R"({"subAccounts":{"a":{"service_key":{"clientid":"c","clientsecret":"s","url":"https://x",
    "serviceurls":{"AI_API_URL":"https://y"}},"deployment_models":{"gpt-4o":["https://y/d/1"]}}},
    "client_keys":[{"name":"alice","key":"alice-key-0123456789","limits":{"requests_per_minute":10,
    "tokens_per_minute":1000,"tokens_per_day":5000,"tokens_per_month":90000}}],
    "usage":{"file":"u.db","retention_days":30,"queue_size":50,"flush_interval_ms":200}})";
  const Config c = parse_config(cfg, "/srv/proxy");
  const KeyLimits& l = c.client_keys.at(0).limits;
  EXPECT_EQ(l.requests_per_minute, 10);
  EXPECT_EQ(l.tokens_per_minute, 1000);
  EXPECT_EQ(l.tokens_per_day, 5000);
  EXPECT_EQ(l.tokens_per_month, 90000);
  EXPECT_EQ(c.usage.file, "/srv/proxy/u.db");
  EXPECT_EQ(c.usage.retention_days, 30);
  EXPECT_EQ(c.usage.queue_size, 50);
  EXPECT_EQ(c.usage.flush_interval_ms, 200);
  EXPECT_EQ(parse_config(R"({"subAccounts":{"a":{"service_key":{"clientid":"c","clientsecret":"s","url":"https://x",
    "serviceurls":{"AI_API_URL":"https://y"}},"deployment_models":{"gpt-4o":["https://y/d/1"]}}}})", "/srv")
                .usage.file,
            "/srv/usage.db");
  const std::string bad = std::string(cfg).replace(std::string(cfg).find("\"tokens_per_day\":5000"), 21,
                                                   "\"tokens_per_day\":-5");
  try {
    parse_config(bad, "/srv");
    FAIL() << "a negative limit was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("client_keys[0].limits.tokens_per_day"), std::string::npos) << e.what();
  }
}

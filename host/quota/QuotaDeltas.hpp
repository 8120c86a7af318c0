// Usage this instance counted and has not yet shared (shared_state.redis_url), merged per window
// bucket: a 5-second slot for the minute windows (requests and tokens), a UTC day and a UTC month
// for the calendar ones. Merging per bucket bounds it: however long Redis stays away, one key
// holds at most the slots of one minute plus a day or two and a month or two, because buckets
// whose window has passed are dropped (prune) rather than sent late.
#pragma once

#include <compare>
#include <cstdint>
#include <map>

namespace aicore::host {

// The minute windows are shared as 5-second slots: peers' usage is then exact to one slot.
constexpr int64_t kQuotaSlotMs = 5000;
// Slots that overlap a 60 s window: the current one and the 12 before it.
constexpr int kQuotaWindowSlots = 13;

inline int64_t quota_slot(int64_t unix_ms) { return unix_ms / kQuotaSlotMs; }

struct QuotaBucket {
  enum Kind : char { Requests = 'r', Tokens = 't', Day = 'd', Month = 'm' };
  Kind kind;
  int64_t period;  // slot number, day number or month number (quota/QuotaBook.hpp's utc_day, utc_month)
  auto operator<=>(const QuotaBucket&) const = default;
};

using QuotaDeltas = std::map<QuotaBucket, int64_t>;  // one key's: bucket -> amount (may be negative)

// Counts `requests` and `tokens` used at `at_ms` into the buckets they belong to.
void add_usage(QuotaDeltas& d, int64_t at_ms, int64_t requests, int64_t tokens);
// Adds `from` into `into`, bucket by bucket; buckets that sum to zero go.
void merge(QuotaDeltas& into, const QuotaDeltas& from);
// Whether `b` still counts toward a window at `now_ms` (a slot of the last minute, today or
// yesterday, this month or the last: a day's or month's tail is kept for instances whose clock
// is a little behind).
bool still_counts(const QuotaBucket& b, int64_t now_ms);
// Drops the buckets that no longer count.
void prune(QuotaDeltas& d, int64_t now_ms);

}  // namespace aicore::host

// What the other instances sharing this Redis used of one key, as last read by the shared-state
// thread (shared/QuotaCounters): a short-lived cache, not an exact count. It is at most one
// shared_state.poll_interval_ms plus a Redis round trip old when it arrives, and it is ignored
// once `valid_until_ms` passes (Redis down or slow: the key is then counted on this instance
// alone, as without Redis, rather than refused forever on old numbers).
#pragma once

#include <array>
#include <cstdint>

#include "quota/QuotaDeltas.hpp"

namespace aicore::host {

struct PeerUsage {
  int64_t first_slot = 0;  // the 5-second slot of requests[0] and tokens[0]
  std::array<int64_t, kQuotaWindowSlots> requests{}, tokens{};
  int64_t day = -1, day_tokens = 0;      // tokens of UTC day `day`
  int64_t month = -1, month_tokens = 0;  // tokens of UTC month `month`
  int64_t valid_until_ms = 0;            // 0: nothing known

  bool valid(int64_t now_ms) const { return now_ms < valid_until_ms; }
  // The slots that overlap the minute before `now_ms` (the oldest whole: exact to one slot).
  int64_t requests_minute(int64_t now_ms) const { return minute(requests, now_ms); }
  int64_t tokens_minute(int64_t now_ms) const { return minute(tokens, now_ms); }
  int64_t tokens_day(int64_t now_ms) const;
  int64_t tokens_month(int64_t now_ms) const;
  // Calls f(leave_ms, amount) for each slot still in the minute: when it leaves, what it held.
  template <class F>
  void leaving(const std::array<int64_t, kQuotaWindowSlots>& slots, int64_t now_ms, F&& f) const {
    for (int i = 0; i < kQuotaWindowSlots; ++i)
      if (slots[i] && in_minute(first_slot + i, now_ms)) f((first_slot + i + 1) * kQuotaSlotMs + 60000, slots[i]);
  }

 private:
  static bool in_minute(int64_t slot, int64_t now_ms) {
    return slot <= quota_slot(now_ms) && slot > quota_slot(now_ms) - kQuotaWindowSlots;
  }
  int64_t minute(const std::array<int64_t, kQuotaWindowSlots>& slots, int64_t now_ms) const;
};

}  // namespace aicore::host

#include "quota/PeerUsage.hpp"

#include "quota/QuotaBook.hpp"

namespace aicore::host {

int64_t PeerUsage::minute(const std::array<int64_t, kQuotaWindowSlots>& slots, int64_t now_ms) const {
  if (!valid(now_ms)) return 0;
  int64_t sum = 0;
  for (int i = 0; i < kQuotaWindowSlots; ++i)
    if (in_minute(first_slot + i, now_ms)) sum += slots[i];
  return sum;
}

int64_t PeerUsage::tokens_day(int64_t now_ms) const { return valid(now_ms) && day == utc_day(now_ms) ? day_tokens : 0; }

int64_t PeerUsage::tokens_month(int64_t now_ms) const {
  return valid(now_ms) && month == utc_month(now_ms) ? month_tokens : 0;
}

}  // namespace aicore::host

#include "quota/QuotaDeltas.hpp"

#include "quota/QuotaBook.hpp"

namespace aicore::host {

void add_usage(QuotaDeltas& d, int64_t at_ms, int64_t requests, int64_t tokens) {
  const int64_t slot = quota_slot(at_ms);
  if (requests) d[{QuotaBucket::Requests, slot}] += requests;
  if (!tokens) return;
  d[{QuotaBucket::Tokens, slot}] += tokens;
  d[{QuotaBucket::Day, utc_day(at_ms)}] += tokens;
  d[{QuotaBucket::Month, utc_month(at_ms)}] += tokens;
}

void merge(QuotaDeltas& into, const QuotaDeltas& from) {
  for (const auto& [bucket, n] : from) {
    auto it = into.try_emplace(bucket, 0).first;
    it->second += n;
    if (it->second == 0) into.erase(it);
  }
}

bool still_counts(const QuotaBucket& b, int64_t now_ms) {
  switch (b.kind) {
    case QuotaBucket::Requests:
    case QuotaBucket::Tokens: return b.period > quota_slot(now_ms) - kQuotaWindowSlots;
    case QuotaBucket::Day: return b.period >= utc_day(now_ms) - 1;
    case QuotaBucket::Month: return b.period >= utc_month(now_ms) - 1;
  }
  return false;
}

void prune(QuotaDeltas& d, int64_t now_ms) {
  std::erase_if(d, [now_ms](const auto& kv) { return !still_counts(kv.first, now_ms); });
}

}  // namespace aicore::host

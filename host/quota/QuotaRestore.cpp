#include "quota/QuotaRestore.hpp"

#include <algorithm>

#include "ledger/LedgerDb.hpp"

namespace aicore::host {
namespace {

constexpr const char* kTokens = "COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0)";
// A quota refusal or an auth failure was never admitted: it is in the ledger, not in a window.
constexpr const char* kAdmitted = " AND NOT (status IN (401, 403, 429) AND attempts = 0)";

// The tokens of [from, to) summed by key, each sum restored as one request at `as_of` (a time
// that falls in the same day and month as every row summed, and outside the last minute).
int64_t restore_sums(const LedgerDb& db, QuotaBook& book, int64_t from, int64_t to, int64_t as_of, int64_t now) {
  if (to <= from) return 0;
  Statement st(db, std::string("SELECT key, SUM(") + kTokens +
                       "), COUNT(*) FROM requests WHERE time_ms >= ? AND "
                       "time_ms < ? AND key != ''" +
                       kAdmitted + " GROUP BY key");
  st.bind(1, from);
  st.bind(2, to);
  int64_t rows = 0;
  while (st.step()) {
    book.restore(st.text(0), as_of, st.integer(1), now);
    rows += st.integer(2);
  }
  return rows;
}

}  // namespace

int64_t restore_quotas(const std::string& ledger_file, QuotaBook& book) {
  const int64_t now = unix_ms_now();
  const LedgerDb db(ledger_file, LedgerDb::Mode::ReadOnly);
  const int64_t month_start = utc_month_start_ms(now);
  const int64_t day_start = utc_day_start_ms(now);
  const int64_t minute_ago = now - 60000;
  // This month before today, today before the last minute: sums. The last minute: row by row
  // (requests per minute and tokens by the second need their times).
  int64_t rows = restore_sums(db, book, month_start, std::min(day_start, minute_ago), month_start, now);
  rows += restore_sums(db, book, day_start, minute_ago, day_start, now);
  Statement st(db, std::string("SELECT key, time_ms, ") + kTokens + " FROM requests WHERE time_ms >= ? AND key != ''" +
                       kAdmitted + " ORDER BY time_ms");
  st.bind(1, minute_ago);
  while (st.step()) {
    book.restore(st.text(0), st.integer(1), st.integer(2), now);
    ++rows;
  }
  return rows;
}

}  // namespace aicore::host

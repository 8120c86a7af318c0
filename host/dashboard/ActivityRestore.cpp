#include "dashboard/ActivityRestore.hpp"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "ledger/LedgerDb.hpp"
#include "quota/QuotaBook.hpp"  // utc_day_start_ms, utc_month_start_ms

namespace aicore::host::dashboard {
namespace {

// Sums of [from, to) by key and model into `pick(totals)`.
template <class Pick>
int64_t sum_into(const LedgerDb& db, int64_t from, int64_t to,
                 std::map<std::pair<std::string, std::string>, RecentActivity::KeyModelTotals>& out, Pick pick) {
  if (to <= from) return 0;
  Statement st(db,
               "SELECT key, model, COUNT(*), SUM(COALESCE(input_tokens, 0)), SUM(COALESCE(output_tokens, 0)), "
               "SUM(COALESCE(cache_read_tokens, 0)), SUM(COALESCE(cache_write_tokens, 0)) FROM requests "
               "WHERE time_ms >= ? AND time_ms < ? AND model != '' GROUP BY key, model");
  st.bind(1, from);
  st.bind(2, to);
  int64_t rows = 0;
  while (st.step()) {
    auto& t = out[{st.text(0), st.text(1)}];
    t.key = st.text(0);
    t.model = st.text(1);
    TokenTotals& p = pick(t);
    p.requests += st.integer(2);
    p.input += st.integer(3);
    p.output += st.integer(4);
    p.cache_read += st.integer(5);
    p.cache_write += st.integer(6);
    rows += st.integer(2);
  }
  return rows;
}

UsageRow row_of(const Statement& st) {
  UsageRow r;
  r.time_ms = st.integer(0);
  r.request_id = st.text(1);
  r.key = st.text(2);
  r.dialect = st.text(3);
  r.client_model = st.text(4);
  r.model = st.text(5);
  r.plugin = st.text(6);
  r.subaccount = st.text(7);
  r.deployment = st.text(8);
  r.status = static_cast<int>(st.integer(9));
  r.attempts = static_cast<int>(st.integer(10));
  r.stream = st.integer(11) != 0;
  auto count = [&](int col) { return st.null(col) ? int64_t{-1} : st.integer(col); };
  r.usage.input_tokens = count(12);
  r.usage.output_tokens = count(13);
  r.usage.cache_read_tokens = count(14);
  r.usage.cache_write_tokens = count(15);
  r.usage.reasoning_tokens = count(16);
  r.latency_ms = st.real(17);
  r.ttfb_ms = st.null(18) ? -1 : st.real(18);
  return r;
}

}  // namespace

int64_t restore_activity(const std::string& ledger_file, RecentActivity& activity, int64_t now_ms) {
  const LedgerDb db(ledger_file, LedgerDb::Mode::ReadOnly);
  const int64_t month_start = utc_month_start_ms(now_ms);
  const int64_t day_start = utc_day_start_ms(now_ms);
  std::map<std::pair<std::string, std::string>, RecentActivity::KeyModelTotals> totals;
  // This month before today counts in the month; today in both.
  int64_t rows = sum_into(db, month_start, day_start, totals, [](auto& t) -> TokenTotals& { return t.month; });
  std::map<std::pair<std::string, std::string>, RecentActivity::KeyModelTotals> today;
  rows += sum_into(db, day_start, now_ms + 1, today, [](auto& t) -> TokenTotals& { return t.today; });
  for (auto& [km, t] : today) {
    auto& m = totals[km];
    m.key = t.key;
    m.model = t.model;
    m.today = t.today;
    m.month += t.today;
  }
  std::vector<RecentActivity::KeyModelTotals> list;
  list.reserve(totals.size());
  for (auto& [km, t] : totals) list.push_back(std::move(t));

  Statement st(db,
               "SELECT time_ms, request_id, key, dialect, client_model, model, plugin, subaccount, deployment, "
               "status, attempts, stream, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, "
               "reasoning_tokens, latency_ms, ttfb_ms FROM requests ORDER BY time_ms DESC LIMIT ?");
  st.bind(1, static_cast<int64_t>(RecentActivity::kRecent));
  std::vector<UsageRow> last;
  while (st.step()) last.push_back(row_of(st));
  std::reverse(last.begin(), last.end());  // oldest first
  activity.seed(list, last, now_ms);
  return rows;
}

}  // namespace aicore::host::dashboard

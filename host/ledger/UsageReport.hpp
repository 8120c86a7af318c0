// Usage reports from the ledger: requests and tokens summed over a time range, grouped by the
// columns asked for. The same report is printed by `aicore-proxy usage` (table, CSV, JSON) and
// answered by GET /admin/usage (JSON).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/LedgerDb.hpp"

namespace aicore::host {

// A report request the caller got wrong (an unknown column, a time that is not one): the
// message says what is accepted.
struct UsageQueryError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct UsageQuery {
  int64_t since_ms = 0;         // inclusive
  int64_t until_ms = 0;         // exclusive
  std::vector<std::string> by;  // columns of kUsageColumns, in the order asked
};

// What a report may group by: key, model, client_model, dialect, plugin, subaccount,
// deployment, status, day, hour (UTC).
const std::vector<std::string>& usage_columns();

// `since` and `until`: a duration back from now ("90s", "30m", "24h", "7d", "4w"), a UTC date
// ("2026-12-01"), a UTC time ("2026-12-01T10:00:00Z") or Unix seconds; empty: since = 24 h ago,
// until = now. `by`: comma-separated columns; empty: one total.
UsageQuery parse_usage_query(std::string_view since, std::string_view until, std::string_view by, int64_t now_ms);

struct UsageGroup {
  std::vector<std::string> values;   // one for each of the query's `by` columns
  int64_t requests = 0, errors = 0;  // errors: status >= 400
  int64_t input_tokens = 0, output_tokens = 0, cache_read_tokens = 0, cache_write_tokens = 0, reasoning_tokens = 0;
  double avg_latency_ms = 0;
};

// The groups, largest token use first (one group, the total, when `by` is empty).
std::vector<UsageGroup> run_usage_query(const LedgerDb& db, const UsageQuery& q);
// Several ledgers' reports of one query (several instances, each writing its own file) as one:
// groups with the same values summed, the average latency weighted by requests, in the same order.
std::vector<UsageGroup> merge_usage(const std::vector<std::vector<UsageGroup>>& reports);

std::string usage_json(const UsageQuery& q, const std::vector<UsageGroup>& groups);
std::string usage_csv(const UsageQuery& q, const std::vector<UsageGroup>& groups);
std::string usage_table(const UsageQuery& q, const std::vector<UsageGroup>& groups);

// Unix milliseconds as "2026-12-06T10:00:00Z".
std::string iso_utc(int64_t unix_ms);

}  // namespace aicore::host

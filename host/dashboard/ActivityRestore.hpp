// At start-up, what the dashboard shows of the time before it: this month's and today's tokens by
// key and model, and the last requests, read from the usage ledger (two grouped sums and one
// short query, however large the file).
#pragma once

#include <cstdint>
#include <string>

#include "dashboard/RecentActivity.hpp"

namespace aicore::host::dashboard {

// Returns the number of ledger rows the totals summed. Throws LedgerError.
int64_t restore_activity(const std::string& ledger_file, RecentActivity& activity, int64_t now_ms);

}  // namespace aicore::host::dashboard

// Quota counters after a restart: this month's usage by key, read back from the ledger, so that a
// restart does not hand every key a fresh day and month.
#pragma once

#include <cstdint>
#include <string>

#include "quota/QuotaBook.hpp"

namespace aicore::host {

// Adds the ledger's rows of the current UTC month (and of the last minute) to `book`; returns
// the number of rows read. Throws LedgerError.
int64_t restore_quotas(const std::string& ledger_file, QuotaBook& book);

}  // namespace aicore::host

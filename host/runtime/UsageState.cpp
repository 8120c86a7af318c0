// The usage ledger and the quota counters of a runtime that serves. Both outlive a reload: the
// ledger while its file stays the same (a new file opens a new writer; the old one finishes its
// queue when the last request holding the old runtime ends), the counters always.
#include <spdlog/spdlog.h>

#include "dashboard/ActivityRestore.hpp"
#include "quota/QuotaRestore.hpp"
#include "runtime/Runtime.hpp"

namespace aicore::host {

void Runtime::open_usage(const Runtime* previous) {
  if (config.usage.enabled) {
    if (previous && previous->ledger && previous->ledger->file() == config.usage.file)
      ledger = previous->ledger;  // its settings change once this runtime is in force
    else
      ledger = std::make_shared<Ledger>(config.usage);
  }
  if (!previous && ledger && config.metrics.enabled && config.metrics.dashboard) {
    try {
      dashboard::restore_activity(ledger->file(), dashboard::RecentActivity::process(), unix_ms_now());
    } catch (const LedgerError& e) { spdlog::error("dashboard: token totals start from zero: {}", e.what()); }
  }
  if (previous && previous->quotas) {
    quotas = previous->quotas;
    return;
  }
  quotas = std::make_shared<QuotaBook>();
  if (!ledger) {
    if (std::any_of(config.client_keys.begin(), config.client_keys.end(),
                    [](const ClientKey& k) { return k.limits.any(); }))
      spdlog::warn("quotas: usage.enabled is false, so the keys' counters start from zero at every start");
    return;
  }
  try {
    const int64_t rows = restore_quotas(ledger->file(), *quotas);
    if (rows > 0) spdlog::info("quotas: counters rebuilt from {} usage ledger rows", rows);
  } catch (const LedgerError& e) { spdlog::error("quotas: counters start from zero: {}", e.what()); }
}

}  // namespace aicore::host

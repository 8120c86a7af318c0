// What the dashboard shows that the metrics do not keep: the last requests, the tokens each key
// used on each model today and this month (UTC), and each deployment's last upstream errors.
// A finished request takes one short lock here (the ledger's row is copied into a ring slot whose
// strings keep their capacity, so the steady state allocates nothing); errors are rare.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "ledger/UsageRow.hpp"

namespace aicore::host::dashboard {

// Tokens a key used on a model in one calendar period.
struct TokenTotals {
  int64_t requests = 0, input = 0, output = 0, cache_read = 0, cache_write = 0;
  void add(const Usage& u);  // one request
  TokenTotals& operator+=(const TokenTotals& o);
};

struct UpstreamError {
  int64_t time_ms = 0;
  int status = 0;       // 0: no HTTP answer (connection, timeout)
  std::string outcome;  // rate_limited, failed
  std::string message;  // at most kMessageChars, redacted
};

class RecentActivity {
 public:
  static constexpr size_t kRecent = 50;
  static constexpr size_t kErrorsPerDeployment = 5;
  static constexpr size_t kMessageChars = 160;
  static constexpr size_t kMaxTotals = 10'000;  // (key, model) pairs kept; beyond, new pairs are not counted

  static RecentActivity& process();

  // A finished request (the ledger's row).
  void request(const UsageRow& row);
  // An upstream attempt that said something bad about its deployment.
  void upstream_error(const std::string& subaccount, const std::string& deployment, int status,
                      std::string_view outcome, std::string_view message, int64_t now_ms);
  struct KeyModelTotals {
    std::string key, model;
    TokenTotals today, month;
  };
  // What the ledger kept from before a restart: this month's and today's totals as of `now_ms`,
  // and the last requests (oldest first). Requests counted since are kept.
  void seed(const std::vector<KeyModelTotals>& totals, const std::vector<UsageRow>& last, int64_t now_ms);
  // As of `now_ms` (a period that has ended counts nothing).
  std::vector<KeyModelTotals> totals(int64_t now_ms) const;
  // Newest first.
  std::vector<UsageRow> recent() const;
  // Newest first, by (subaccount, deployment).
  std::map<std::pair<std::string, std::string>, std::vector<UpstreamError>> errors() const;

 private:
  struct Periods {
    int64_t day = -1, month = -1;
    TokenTotals today, this_month;
  };
  // With m_ held:
  void count_(const UsageRow& row);
  void push_(const UsageRow& row);
  std::vector<UsageRow> recent_() const;

  mutable std::mutex m_;
  std::array<UsageRow, kRecent> ring_;
  size_t next_ = 0, filled_ = 0;
  std::map<std::pair<std::string, std::string>, Periods> totals_;
  std::map<std::pair<std::string, std::string>, std::vector<UpstreamError>> errors_;
};

}  // namespace aicore::host::dashboard

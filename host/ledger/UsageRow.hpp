// One finished model request as the usage ledger keeps it: who, what, where, how it ended and
// what it used. Never a prompt, never a key (only the key's name).
#pragma once

#include <aicore/usage.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace aicore::host {

struct UsageRow {
  int64_t time_ms = 0;  // when the request finished, Unix milliseconds (UTC)
  std::string request_id, key, dialect;
  std::string client_model;  // what the client asked for (an alias, say)
  std::string model;         // the configured model key it resolved to ("" when none)
  std::string plugin, subaccount, deployment;
  int status = 0;
  int attempts = 0;
  bool stream = false;
  Usage usage;  // -1: unknown (stored as NULL)
  double latency_ms = 0;
  double ttfb_ms = -1;  // < 0: no byte of an answer was sent
};

// Now in Unix milliseconds: the clock of the rows, the quota windows and the reports.
inline int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The tokens a request counts against a key's token quotas: input (cache reads and writes
// included, acp_usage's convention) plus output (reasoning included); unknown counts as 0.
inline int64_t quota_tokens(const Usage& u) {
  return (u.input_tokens > 0 ? u.input_tokens : 0) + (u.output_tokens > 0 ? u.output_tokens : 0);
}

}  // namespace aicore::host

#pragma once
// Faults queued by tests through POST /_emulator/faults and consumed by matching requests.
#include "json.hpp"

#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace aicore::emulator {

enum class FaultKind { Status429, Status500, Status503, Status401, Slow, Drop, Reset, StreamError, Truncate };

struct Fault {
  // deployment id, "oauth" (the token endpoint), "deployments" (GET /v2/lm/deployments), or "*"
  // (any deployment; neither the token endpoint nor the deployment list)
  std::string target = "*";
  FaultKind kind = FaultKind::Status500;
  int count = 1;              // remaining uses; -1 = until cleared
  int retryAfter = -1;        // seconds for the Retry-After header; -1 = no header
  int delayMs = 0;            // sleep before acting (the whole point of "slow")
  int afterEvents = 0;        // drop/reset: events streamed before the connection dies
  bool afterDone = false;     // drop/reset: only after the whole stream and its [DONE] (azure)
  long long afterBytes = -1;  // truncate: body bytes sent before the cut; -1: half-way (see README)
};

const char* faultKindName(FaultKind kind);
// Throws std::invalid_argument with a message meant for the test author.
Fault parseFault(const Json& j);
Json faultToJson(const Fault& f);

class FaultStore {
 public:
  void add(Fault f);
  size_t clear();
  Json list() const;
  // Consumes one use of the oldest fault matching this request, if any: a fault naming `target`,
  // or (unless `namedOnly`: the token endpoint, the deployment list) a "*" fault.
  std::optional<Fault> take(const std::string& target, bool namedOnly);

 private:
  mutable std::mutex mu_;
  std::deque<Fault> faults_;
  std::atomic<size_t> size_{0};  // lets the hot path skip the lock when nothing is queued
};

}  // namespace aicore::emulator

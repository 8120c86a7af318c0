#pragma once
// What the emulator received on /oauth and /v2, for tests to assert on, plus per-deployment counts.
#include "json.hpp"

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace aicore::emulator {

struct RecordedRequest {
  std::string method, path, query;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;        // its first --record-body-bytes (whole UTF-8 sequences): large bodies stay listable
  size_t bodyBytes = 0;    // the whole body's size
  std::string deployment;  // empty for /oauth
  std::string clientId;    // owner of the bearer token, or the client that got a token
  std::string fault;       // injected fault kind, empty if none
  int status = 0;          // 0 = connection closed without an answer
  long long timeMs = 0;    // wall clock, ms since epoch
  unsigned long long arrival = 0;  // order the request arrived in; the log lists in this order
};

class RequestLog {
 public:
  // The cap bounds memory during benchmarks; the oldest records go first.
  explicit RequestLog(size_t capacity = 10000) : capacity_(capacity) {}

  // Records are added when their answer ends, but listed in arrival order: a stream that fails
  // over ends after the retry it caused, and tests read the log as a timeline.
  void add(RecordedRequest r);
  unsigned long long nextArrival() { return ++arrivals_; }
  Json list(const std::optional<std::string>& deployment) const;
  size_t clear();              // records only; counts survive
  Json requestCounts() const;  // {"<deployment>": N}
  void resetCounts();

 private:
  size_t capacity_;
  mutable std::mutex mu_;
  std::deque<RecordedRequest> records_;
  std::atomic<unsigned long long> arrivals_{0};
  std::map<std::string, long long> perDeployment_;
};

}  // namespace aicore::emulator

#include "fault_store.hpp"

#include <stdexcept>

namespace aicore::emulator {

const char* faultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::Status429: return "429";
    case FaultKind::Status500: return "500";
    case FaultKind::Status503: return "503";
    case FaultKind::Status401: return "401";
    case FaultKind::Slow: return "slow";
    case FaultKind::Drop: return "drop";
    case FaultKind::Reset: return "reset";
    case FaultKind::StreamError: return "stream_error";
    case FaultKind::Truncate: return "truncate";
  }
  return "?";
}

static int intField(const Json& j, const char* key, int fallback, int min) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() || it->get<long long>() < min || it->get<long long>() > 1000000000)
    throw std::invalid_argument(std::string("'") + key + "' must be an integer >= " + std::to_string(min));
  return it->get<int>();
}

Fault parseFault(const Json& j) {
  if (!j.is_object()) throw std::invalid_argument("body must be a JSON object");
  for (const auto& [key, _] : j.items())
    if (key != "target" && key != "kind" && key != "count" && key != "retry_after" && key != "delay_ms" &&
        key != "after_events" && key != "after_done" && key != "after_bytes")
      throw std::invalid_argument("unknown field '" + key + "'");
  Fault f;
  if (auto it = j.find("target"); it != j.end()) {
    if (!it->is_string() || it->get<std::string>().empty())
      throw std::invalid_argument("'target' must be a deployment id, \"oauth\", \"deployments\" or \"*\"");
    f.target = it->get<std::string>();
  }
  auto kindIt = j.find("kind");
  if (kindIt == j.end()) throw std::invalid_argument("'kind' is required");
  // Accept 429 as well as "429": tests write both.
  std::string kind = kindIt->is_number_integer() ? std::to_string(kindIt->get<long long>())
                     : kindIt->is_string()       ? kindIt->get<std::string>()
                                                 : std::string();
  if (kind == "429")
    f.kind = FaultKind::Status429;
  else if (kind == "500")
    f.kind = FaultKind::Status500;
  else if (kind == "503")
    f.kind = FaultKind::Status503;
  else if (kind == "401")
    f.kind = FaultKind::Status401;
  else if (kind == "slow")
    f.kind = FaultKind::Slow;
  else if (kind == "drop")
    f.kind = FaultKind::Drop;
  else if (kind == "reset")
    f.kind = FaultKind::Reset;
  else if (kind == "stream_error")
    f.kind = FaultKind::StreamError;
  else if (kind == "truncate")
    f.kind = FaultKind::Truncate;
  else
    throw std::invalid_argument("'kind' must be one of 429, 500, 503, 401, slow, drop, reset, stream_error, truncate");
  f.count = intField(j, "count", 1, -1);
  if (f.count == 0) throw std::invalid_argument("'count' must be >= 1, or -1 for until cleared");
  f.retryAfter = intField(j, "retry_after", -1, 0);
  f.delayMs = intField(j, "delay_ms", 0, 0);
  f.afterEvents = intField(j, "after_events", 0, 0);
  f.afterBytes = intField(j, "after_bytes", -1, 0);
  if (auto it = j.find("after_done"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) throw std::invalid_argument("'after_done' must be a boolean");
    f.afterDone = it->get<bool>();
  }
  return f;
}

Json faultToJson(const Fault& f) {
  Json j = {{"target", f.target}, {"kind", faultKindName(f.kind)}, {"count", f.count}};
  if (f.retryAfter >= 0) j["retry_after"] = f.retryAfter;
  if (f.delayMs > 0) j["delay_ms"] = f.delayMs;
  if (f.kind == FaultKind::Drop || f.kind == FaultKind::Reset) j["after_events"] = f.afterEvents;
  if (f.afterDone) j["after_done"] = true;
  if (f.kind == FaultKind::Truncate && f.afterBytes >= 0) j["after_bytes"] = f.afterBytes;
  return j;
}

void FaultStore::add(Fault f) {
  std::lock_guard lock(mu_);
  faults_.push_back(std::move(f));
  size_ = faults_.size();
}

size_t FaultStore::clear() {
  std::lock_guard lock(mu_);
  size_t n = faults_.size();
  faults_.clear();
  size_ = 0;
  return n;
}

Json FaultStore::list() const {
  std::lock_guard lock(mu_);
  Json out = Json::array();
  for (const auto& f : faults_) out.push_back(faultToJson(f));
  return out;
}

std::optional<Fault> FaultStore::take(const std::string& target, bool namedOnly) {
  if (size_ == 0) return std::nullopt;
  std::lock_guard lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    // "*" means any deployment; token fetches (and deployment lists) are only hit when targeted
    // by name, so a blanket fault tests the inference path instead of failing what comes before it.
    bool match = it->target == target || (!namedOnly && it->target == "*");
    if (!match) continue;
    Fault f = *it;
    if (it->count > 0 && --it->count == 0) faults_.erase(it);
    size_ = faults_.size();
    return f;
  }
  return std::nullopt;
}

}  // namespace aicore::emulator

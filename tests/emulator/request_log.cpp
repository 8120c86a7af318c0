#include "request_log.hpp"

#include <iterator>

namespace aicore::emulator {

void RequestLog::add(RecordedRequest r) {
  std::lock_guard lock(mu_);
  if (!r.deployment.empty()) ++perDeployment_[r.deployment];
  auto at = records_.end();
  while (at != records_.begin() && std::prev(at)->arrival > r.arrival) --at;
  records_.insert(at, std::move(r));
  while (records_.size() > capacity_) records_.pop_front();
}

static Json toJson(const RecordedRequest& r) {
  Json headers = Json::object();
  for (const auto& [name, value] : r.headers) {
    // Repeated headers are folded the way HTTP allows.
    if (headers.contains(name))
      headers[name] = headers[name].get<std::string>() + ", " + value;
    else
      headers[name] = value;
  }
  return Json{{"method", r.method},
              {"path", r.path},
              {"query", r.query},
              {"headers", std::move(headers)},
              {"body", r.body},
              {"body_bytes", r.bodyBytes},
              {"deployment", r.deployment.empty() ? Json(nullptr) : Json(r.deployment)},
              {"client_id", r.clientId.empty() ? Json(nullptr) : Json(r.clientId)},
              {"status", r.status},
              {"fault", r.fault.empty() ? Json(nullptr) : Json(r.fault)},
              {"time_ms", r.timeMs}};
}

Json RequestLog::list(const std::optional<std::string>& deployment) const {
  std::lock_guard lock(mu_);
  Json out = Json::array();
  for (const auto& r : records_)
    if (!deployment || r.deployment == *deployment) out.push_back(toJson(r));
  return out;
}

size_t RequestLog::clear() {
  std::lock_guard lock(mu_);
  size_t n = records_.size();
  records_.clear();
  return n;
}

Json RequestLog::requestCounts() const {
  std::lock_guard lock(mu_);
  Json out = Json::object();
  for (const auto& [id, n] : perDeployment_) out[id] = n;
  return out;
}

void RequestLog::resetCounts() {
  std::lock_guard lock(mu_);
  perDeployment_.clear();
}

}  // namespace aicore::emulator

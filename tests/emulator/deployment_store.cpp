#include "deployment_store.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <mutex>

namespace aicore::emulator {

namespace {

std::string isoTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Configured deployments look a year old and a minute apart, so their order is their ids'.
constexpr std::time_t kConfiguredCreatedAt = 1735689600;  // 2025-01-01T00:00:00Z

}  // namespace

const char* targetStatusOf(const std::string& status) {
  if (status == "STOPPING" || status == "STOPPED") return "STOPPED";
  if (status == "COMPLETED") return "COMPLETED";
  return "RUNNING";
}

void DeploymentStore::reset(const std::unordered_map<std::string, Deployment>& configured) {
  std::map<std::string, Deployment> sorted(configured.begin(), configured.end());
  std::unique_lock lock(mu_);
  byId_.clear();
  next_ = 0;
  for (auto& [id, d] : sorted) {
    const long long order = next_++;
    byId_[id] = {std::make_shared<const Deployment>(d), isoTime(kConfiguredCreatedAt + order * 60), order};
  }
}

std::shared_ptr<const Deployment> DeploymentStore::running(const std::string& id) const {
  std::shared_lock lock(mu_);
  const auto it = byId_.find(id);
  if (it == byId_.end() || it->second.deployment->status != "RUNNING") return nullptr;
  return it->second.deployment;
}

std::vector<DeploymentState> DeploymentStore::list() const {
  std::vector<DeploymentState> out;
  {
    std::shared_lock lock(mu_);
    for (const auto& [id, s] : byId_) out.push_back(s);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  return out;
}

void DeploymentStore::put(Deployment d) {
  const std::string id = d.id;
  auto shared = std::make_shared<const Deployment>(std::move(d));
  std::unique_lock lock(mu_);
  if (auto it = byId_.find(id); it != byId_.end()) {
    it->second.deployment = std::move(shared);
    return;
  }
  byId_[id] = {std::move(shared), isoTime(std::time(nullptr)), next_++};
}

bool DeploymentStore::remove(const std::string& id) {
  std::unique_lock lock(mu_);
  return byId_.erase(id) > 0;
}

bool DeploymentStore::setStatus(const std::string& id, const std::string& status) {
  std::unique_lock lock(mu_);
  const auto it = byId_.find(id);
  if (it == byId_.end()) return false;
  auto changed = std::make_shared<Deployment>(*it->second.deployment);
  changed->status = status;
  it->second.deployment = std::move(changed);
  return true;
}

}  // namespace aicore::emulator

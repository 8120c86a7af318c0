#pragma once
// The deployments as they are now: seeded from the config, changed at run time by tests through
// /_emulator/deployments (add, remove, stop), so a client that lists deployments (GET
// /v2/lm/deployments) can be shown one leaving and one joining. Inference serves RUNNING ones only.
#include "config.hpp"

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

namespace aicore::emulator {

struct DeploymentState {
  std::shared_ptr<const Deployment> deployment;
  std::string createdAt;  // ISO 8601, UTC
  long long order = 0;    // creation order: the list's order, so paging is stable
};

class DeploymentStore {
 public:
  // Back to the configured deployments (each created at a fixed time, in id order).
  void reset(const std::unordered_map<std::string, Deployment>& configured);
  // The deployment if it exists and is RUNNING (a stopped one answers 404, as on SAP AI Core).
  std::shared_ptr<const Deployment> running(const std::string& id) const;
  std::vector<DeploymentState> list() const;  // in creation order
  // Adds (created now) or replaces (keeping its place) a deployment.
  void put(Deployment d);
  bool remove(const std::string& id);
  // False when there is no such deployment.
  bool setStatus(const std::string& id, const std::string& status);

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, DeploymentState> byId_;
  long long next_ = 0;
};

// SAP's targetStatus for a status: where the deployment is heading.
const char* targetStatusOf(const std::string& status);

}  // namespace aicore::emulator

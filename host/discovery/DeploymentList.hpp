// One page of SAP AI Core's deployment list (GET {AI_API_URL}/v2/lm/deployments), read into
// plain values. The wire shape (upstream-wire-format §2, "Deployment list"):
//   {"count":N,"resources":[{"id","deploymentUrl","createdAt","scenarioId","status","targetStatus",
//     "details":{"resources":{"backend_details":{"model":{"name","version"}}}}}]}
// Some clients see "backendDetails" instead of "backend_details"; both are read.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace aicore::host {

// A listing that could not be had or read; the message says why (never a token).
struct DiscoveryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ListedDeployment {
  std::string id;
  std::string url;    // deploymentUrl, without a trailing '/'; empty until the deployment runs
  std::string model;  // the backend model's name: SAP's names are the proxy's model keys
  std::string version;
  std::string status;  // RUNNING, PENDING, STOPPED, DEAD, ...
  std::string target_status;
  std::string scenario;
  std::string created_at;
};

struct DeploymentPage {
  int64_t count = 0;  // deployments in the whole list (every page), as the service counts them
  std::vector<ListedDeployment> resources;
};

// Throws DiscoveryError when `body` is not a deployment list. A resource without a model (an
// orchestration deployment, say) is kept with an empty model: callers decide what it means.
DeploymentPage parse_deployment_page(std::string_view body);

// "/v2/lm/deployments?$top=..&$skip=.." (with "&scenarioId=foundation-models&status=RUNNING"
// when only the deployments the proxy can serve are wanted), appended to AI_API_URL.
std::string deployments_path(int top, int skip, bool running_only);

}  // namespace aicore::host

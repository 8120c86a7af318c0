#include "discovery/DeploymentList.hpp"

#include <nlohmann/json.hpp>

namespace aicore::host {
namespace {

using json = nlohmann::json;

std::string string_at(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// details.resources.backend_details.model (or backendDetails), when present.
const json* model_of(const json& resource) {
  const json* at = &resource;
  for (const char* key : {"details", "resources"}) {
    const auto it = at->find(key);
    if (it == at->end() || !it->is_object()) return nullptr;
    at = &*it;
  }
  auto backend = at->find("backend_details");
  if (backend == at->end()) backend = at->find("backendDetails");
  if (backend == at->end() || !backend->is_object()) return nullptr;
  const auto model = backend->find("model");
  return model != backend->end() && model->is_object() ? &*model : nullptr;
}

ListedDeployment read_resource(const json& r, size_t index) {
  if (!r.is_object()) throw DiscoveryError("resources[" + std::to_string(index) + "] is not an object");
  ListedDeployment d;
  d.id = string_at(r, "id");
  if (d.id.empty()) throw DiscoveryError("resources[" + std::to_string(index) + "] has no id");
  d.url = string_at(r, "deploymentUrl");
  while (d.url.size() > 8 && d.url.back() == '/') d.url.pop_back();
  d.status = string_at(r, "status");
  d.target_status = string_at(r, "targetStatus");
  d.scenario = string_at(r, "scenarioId");
  d.created_at = string_at(r, "createdAt");
  if (const json* m = model_of(r)) {
    d.model = string_at(*m, "name");
    d.version = string_at(*m, "version");
  }
  return d;
}

}  // namespace

DeploymentPage parse_deployment_page(std::string_view body) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw DiscoveryError("the deployment list is not a JSON object");
  const auto count = j.find("count");
  const auto resources = j.find("resources");
  if (count == j.end() || !count->is_number_integer() || count->get<int64_t>() < 0)
    throw DiscoveryError("the deployment list has no count");
  if (resources == j.end() || !resources->is_array()) throw DiscoveryError("the deployment list has no resources");
  DeploymentPage page;
  page.count = count->get<int64_t>();
  for (size_t i = 0; i < resources->size(); ++i) page.resources.push_back(read_resource((*resources)[i], i));
  return page;
}

std::string deployments_path(int top, int skip, bool running_only) {
  std::string path = "/v2/lm/deployments?$top=" + std::to_string(top) + "&$skip=" + std::to_string(skip);
  if (running_only) path += "&scenarioId=foundation-models&status=RUNNING";
  return path;
}

}  // namespace aicore::host

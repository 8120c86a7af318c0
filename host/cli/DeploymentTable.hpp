// What `aicore-proxy deployments` prints for one subaccount: each deployment SAP AI Core lists
// and each configured URL, with its model, id, status, URL and where the proxy has it from.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/Config.hpp"
#include "discovery/DeploymentList.hpp"

namespace aicore::host {

struct DeploymentRow {
  std::string model;
  std::string id;
  std::string status;  // as listed; "-" for a configured URL the list does not have
  // "configured" (deployment_models only: not in the list), "discovered" (served through
  // discovery), "both" (configured and listed), "unused" (listed, not served; `note` says why).
  std::string source;
  std::string url;
  std::string note;
};

// `serves`: whether an enabled provider plugin serves a model key.
std::vector<DeploymentRow> deployment_rows(const SubAccount& sub, const std::vector<ListedDeployment>& listed,
                                           const std::function<bool(const std::string&)>& serves);

// The rows as an aligned table with a header line, each line indented by two spaces.
std::string deployment_table(const std::vector<DeploymentRow>& rows);

}  // namespace aicore::host

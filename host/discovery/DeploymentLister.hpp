// Lists a subaccount's deployments: page after page of GET {AI_API_URL}/v2/lm/deployments with
// the subaccount's bearer token (the same token cache and upstream-auth plugin inference uses)
// and its AI-Resource-Group header.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/Config.hpp"
#include "discovery/DeploymentList.hpp"

namespace aicore::host {

class SubaccountTokens;
class UpstreamClient;

// Deployments asked for per page. SAP accepts up to 10,000; pages of 100 keep each answer small.
inline constexpr int kDeploymentPageSize = 100;

// The body of the page at `skip` of `top` deployments; throws DiscoveryError.
using PageFetch = std::function<std::string(int top, int skip)>;

// Every page until `count` deployments were read (or a page came back empty or short, so a
// count that does not match its pages cannot loop forever). Throws DiscoveryError.
std::vector<ListedDeployment> collect_pages(const PageFetch& fetch, int page_size = kDeploymentPageSize);

struct ListRequest {
  UpstreamClient& client;
  const SubaccountTokens& tokens;
  int timeout_s = 30;        // longest silence from the AI API
  bool running_only = true;  // the proxy: only what it can serve; the deployments command: all
};

// The subaccount's deployments. A 401 drops the cached token and tries once more with a new one.
// Throws DiscoveryError naming the cause (token, connection, HTTP status with SAP's message).
std::vector<ListedDeployment> list_deployments(const ListRequest& req, const SubAccount& sub);

}  // namespace aicore::host

#include "discovery/DeploymentLister.hpp"

#include <nlohmann/json.hpp>

#include "log/Log.hpp"
#include "tokens/SubaccountTokens.hpp"
#include "upstream/UpstreamClient.hpp"

namespace aicore::host {
namespace {

// SAP's error text for a failed listing: error.message, else the start of the body.
std::string error_text(const UpstreamResponse& r) {
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object() && j["error"].contains("message") &&
      j["error"]["message"].is_string())
    return j["error"]["message"].get<std::string>();
  return r.body.empty() ? "no body" : r.body.substr(0, 200);
}

UpstreamResponse get_page(const ListRequest& req, const SubAccount& sub, const std::string& url, bool& reauthorized) {
  for (;;) {
    std::string token;
    try {
      token = req.tokens.get(sub.name);
    } catch (const std::exception& e) { throw DiscoveryError(redact(e.what())); }
    UpstreamCall call;
    call.url = url;
    call.method = "GET";
    call.headers = {{"Authorization", "Bearer " + token}, {"AI-Resource-Group", sub.resource_group}};
    call.read_timeout_s = req.timeout_s;
    UpstreamResponse r;
    try {
      r = req.client.send(call);
    } catch (const std::exception& e) { throw DiscoveryError("AI API unreachable: " + redact(e.what())); }
    if (r.status != 401 || reauthorized) return r;
    // An expired or revoked token: one more try with a fresh one, as inference does.
    req.tokens.invalidate(sub.name, token);
    reauthorized = true;
  }
}

}  // namespace

std::vector<ListedDeployment> collect_pages(const PageFetch& fetch, int page_size) {
  std::vector<ListedDeployment> all;
  for (int skip = 0;; skip += page_size) {
    DeploymentPage page = parse_deployment_page(fetch(page_size, skip));
    const size_t got = page.resources.size();
    for (auto& d : page.resources) all.push_back(std::move(d));
    if (got == 0 || got < static_cast<size_t>(page_size) || static_cast<int64_t>(all.size()) >= page.count) break;
  }
  return all;
}

std::vector<ListedDeployment> list_deployments(const ListRequest& req, const SubAccount& sub) {
  std::string base = sub.key.ai_api_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  bool reauthorized = false;
  return collect_pages([&](int top, int skip) {
    const UpstreamResponse r = get_page(req, sub, base + deployments_path(top, skip, req.running_only), reauthorized);
    if (r.status != 200)
      throw DiscoveryError("GET /v2/lm/deployments answered " + std::to_string(r.status) + ": " +
                           redact(error_text(r)));
    return r.body;
  });
}

}  // namespace aicore::host

#include "discovery/DiscoveryRound.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "discovery/DeploymentLister.hpp"
#include "discovery/DiscoveredModels.hpp"
#include "log/Log.hpp"

namespace aicore::host {
namespace {

int retry_interval(const Config& c) { return std::min(c.discovery.retry_s, c.discovery.refresh_s); }

void warn_unlisted(const Config& c, const SubAccount& sub, const std::string& why, bool at_start) {
  if (sub.discovered) {
    spdlog::warn(
        "discovery: subaccount {}: cannot list deployments ({}): keeping the last known list ({} deployment(s)); "
        "retrying in {} s",
        sub.name, why, urls_of(*sub.discovered).size(), retry_interval(c));
    return;
  }
  spdlog::warn(
      "discovery: subaccount {}: cannot list deployments ({}): no list yet{}, serving its configured "
      "deployment_models only ({} model(s)); retrying every {} s",
      sub.name, why, at_start ? "; starting anyway" : "", sub.configured_models.size(), retry_interval(c));
}

// Says which deployments of a subaccount joined or left rotation between two runtimes.
void log_changes(const SubAccount& before, const SubAccount& after) {
  const auto was = urls_of(before.deployment_models);
  const auto now = urls_of(after.deployment_models);
  for (const auto& [model, urls] : after.deployment_models)
    for (const auto& u : urls)
      if (std::find(was.begin(), was.end(), u) == was.end())
        spdlog::info("discovery: subaccount {}: deployment {} ({}) joined rotation", after.name, u, model);
  for (const auto& [model, urls] : before.deployment_models)
    for (const auto& u : urls)
      if (std::find(now.begin(), now.end(), u) == now.end())
        spdlog::info("discovery: subaccount {}: deployment {} ({}) left rotation", after.name, u, model);
}

}  // namespace

DiscoveryRound list_round(const Runtime& rt, UpstreamClient& client, bool at_start) {
  DiscoveryRound round;
  const ListRequest req{client, *rt.tokens, rt.config.discovery.timeout_s, true};
  for (const auto& sub : rt.config.subaccounts) {
    if (!sub.discover) continue;
    try {
      ModelUrls models = running_models(list_deployments(req, sub));
      spdlog::debug("discovery: subaccount {}: {} RUNNING deployment(s) of {} model(s)", sub.name,
                    urls_of(models).size(), models.size());
      round.lists.emplace_back(sub, std::move(models));
    } catch (const DiscoveryError& e) {
      round.complete = false;
      warn_unlisted(rt.config, sub, redact(e.what()), at_start);
    }
  }
  return round;
}

std::shared_ptr<Runtime> runtime_with(const Runtime& current, const DiscoveryRound& round) {
  Config next = current.config;
  bool changed = false;
  for (const auto& [listed, models] : round.lists) {
    for (auto& sub : next.subaccounts) {
      if (!sub.discover || !same_source(sub, listed) || sub.discovered == models) continue;
      sub.discovered = models;
      changed = true;
    }
  }
  if (!changed) return nullptr;
  std::shared_ptr<Runtime> rt = Runtime::build(std::move(next), current.plugins, &current);
  rt->started_unix = current.started_unix;  // the configuration itself was not reloaded
  rt->open_usage(&current);
  for (size_t i = 0; i < rt->config.subaccounts.size(); ++i) log_changes(current.subaccount(i), rt->subaccount(i));
  return rt;
}

bool awaits_first_list(const Runtime& rt) {
  return std::any_of(rt.config.subaccounts.begin(), rt.config.subaccounts.end(),
                     [](const SubAccount& s) { return s.discover && !s.discovered; });
}

}  // namespace aicore::host

// From a deployment listing to the model keys the proxy serves, and how discovered deployments
// join a subaccount's explicit deployment_models. Pure functions: Runtime::build applies them to
// every configuration it serves (start, SIGHUP, a discovery refresh).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/Config.hpp"
#include "discovery/DeploymentList.hpp"

namespace aicore::host {

// The RUNNING deployments that have a model and a URL, grouped by model in the order listed.
// SAP's backend model names (gpt-4o, anthropic--claude-4.5-sonnet, gemini-2.5-pro, ...) are the
// model keys users already write, so the name is the key as it is.
ModelUrls running_models(const std::vector<ListedDeployment>& listed);

// `configured` plus every model of `discovered` that `configured` does not name: an explicit
// entry wins for its model key (an operator pinning a model to chosen deployments means it).
ModelUrls merge_models(const ModelUrls& configured, const ModelUrls& discovered);

// Whether two subaccounts list the same deployments: same name, AI API, resource group and client.
bool same_source(const SubAccount& a, const SubAccount& b);

// A reload keeps the last known list of each subaccount that still lists the same deployments
// (and has none of its own yet), so a SIGHUP never drops discovered deployments.
void inherit_discovered(Config& next, const Config& previous);

// deployment_models = configured_models merged with the discovered models `serves` (a provider
// plugin takes the key); a discovered model no plugin serves is left out, not reported as an
// orphan: a resource group holds models of vendors the proxy has no plugin for.
void apply_discovered(Config& config, const std::function<bool(const std::string&)>& serves);

// Every URL of `models`, in order.
std::vector<std::string> urls_of(const ModelUrls& models);

}  // namespace aicore::host

#include "discovery/DiscoveredModels.hpp"

#include <algorithm>

namespace aicore::host {
namespace {

std::vector<std::string>* urls_for(ModelUrls& models, const std::string& key) {
  const auto it = std::find_if(models.begin(), models.end(), [&](const auto& m) { return m.first == key; });
  return it == models.end() ? nullptr : &it->second;
}

}  // namespace

ModelUrls running_models(const std::vector<ListedDeployment>& listed) {
  ModelUrls out;
  for (const auto& d : listed) {
    if (d.status != "RUNNING" || d.model.empty() || d.url.empty()) continue;
    if (auto* urls = urls_for(out, d.model)) {
      if (std::find(urls->begin(), urls->end(), d.url) == urls->end()) urls->push_back(d.url);
    } else {
      out.emplace_back(d.model, std::vector<std::string>{d.url});
    }
  }
  return out;
}

ModelUrls merge_models(const ModelUrls& configured, const ModelUrls& discovered) {
  ModelUrls out = configured;
  for (const auto& [model, urls] : discovered)
    if (!urls_for(out, model)) out.emplace_back(model, urls);
  return out;
}

bool same_source(const SubAccount& a, const SubAccount& b) {
  return a.name == b.name && a.key.ai_api_url == b.key.ai_api_url && a.resource_group == b.resource_group &&
         a.key.clientid == b.key.clientid;
}

void inherit_discovered(Config& next, const Config& previous) {
  for (auto& sub : next.subaccounts) {
    if (!sub.discover || sub.discovered) continue;
    for (const auto& old : previous.subaccounts)
      if (same_source(sub, old)) sub.discovered = old.discovered;
  }
}

void apply_discovered(Config& config, const std::function<bool(const std::string&)>& serves) {
  for (auto& sub : config.subaccounts) {
    if (!sub.discover || !sub.discovered) {
      sub.deployment_models = sub.configured_models;
      continue;
    }
    ModelUrls served;
    for (const auto& entry : *sub.discovered)
      if (serves(entry.first)) served.push_back(entry);
    sub.deployment_models = merge_models(sub.configured_models, served);
  }
}

std::vector<std::string> urls_of(const ModelUrls& models) {
  std::vector<std::string> out;
  for (const auto& [model, urls] : models) out.insert(out.end(), urls.begin(), urls.end());
  return out;
}

}  // namespace aicore::host

#include "routing/Router.hpp"

#include <algorithm>

namespace aicore::host {

Router::Router(const Config& config, const std::vector<std::shared_ptr<Provider>>& providers)
    : providers_(providers), config_(&config) {
  for (const auto& key : config.model_keys()) {
    auto p = provider_for_(key);
    if (!p) {
      orphans_.push_back(key);
      continue;
    }
    keys_.emplace_back(key, p);
    listing_.push_back({key, p->name(), key});
  }
  for (const auto& [alias, target] : config.model_aliases) {
    auto it = std::find_if(keys_.begin(), keys_.end(), [&t = target](const auto& k) { return k.first == t; });
    if (it == keys_.end()) continue;
    aliases_.emplace_back(alias, target);
    listing_.push_back({alias, it->second->name(), target});
  }
}

std::shared_ptr<Provider> provider_for_model(const Config& config,
                                             const std::vector<std::shared_ptr<Provider>>& providers,
                                             const std::string& key) {
  auto mapped = config.plugins.model_map.find(key);
  if (mapped != config.plugins.model_map.end()) {
    for (const auto& p : providers)
      if (p->name() == mapped->second) return p;
    return nullptr;  // mapped to a plugin that is not loaded
  }
  for (const auto& p : providers)
    if (p->detect_model(key)) return p;
  return nullptr;
}

std::shared_ptr<Provider> Router::provider_for_(const std::string& key) const {
  return provider_for_model(*config_, providers_, key);
}

std::optional<Route> Router::resolve(const std::string& requested) const {
  auto find_key = [&](const std::string& name) -> std::optional<Route> {
    for (const auto& [key, p] : keys_)
      if (key == name) return Route{key, p};
    return std::nullopt;
  };
  if (auto r = find_key(requested)) return r;
  for (const auto& [alias, target] : aliases_)
    if (alias == requested) return find_key(target);
  for (const auto& p : providers_) {
    for (const auto& candidate : p->model_candidates(requested)) {
      if (auto r = find_key(candidate)) return r;
      for (const auto& [alias, target] : aliases_)
        if (alias == candidate) return find_key(target);
    }
  }
  return std::nullopt;
}

}  // namespace aicore::host

// Model name -> (configured model key, provider plugin). Lookup order: exact configured key,
// then a configured alias, then the names each provider's normaliser proposes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/Config.hpp"
#include "plugin/Provider.hpp"

namespace aicore::host {

struct Route {
  std::string model_key;  // as configured in deployment_models
  std::shared_ptr<Provider> provider;
};

struct ModelEntry {
  std::string id;         // a model key or an alias
  std::string owned_by;   // the plugin serving it
  std::string model_key;  // the model key it resolves to (itself, for a key)
};

// The provider that serves model key `key`: plugins.models' mapping, else the first provider whose
// detector claims it; null when none does.
std::shared_ptr<Provider> provider_for_model(const Config& config,
                                             const std::vector<std::shared_ptr<Provider>>& providers,
                                             const std::string& key);

class Router {
 public:
  Router(const Config& config, const std::vector<std::shared_ptr<Provider>>& providers);

  std::optional<Route> resolve(const std::string& requested) const;

  // Every model key and alias that a loaded plugin serves, for /v1/models.
  const std::vector<ModelEntry>& models() const { return listing_; }

  // Model keys no enabled plugin serves (reported at start-up).
  const std::vector<std::string>& orphans() const { return orphans_; }

 private:
  std::shared_ptr<Provider> provider_for_(const std::string& key) const;
  std::vector<std::pair<std::string, std::shared_ptr<Provider>>> keys_;  // served model keys
  std::vector<std::pair<std::string, std::string>> aliases_;
  std::vector<std::shared_ptr<Provider>> providers_;
  std::vector<ModelEntry> listing_;
  std::vector<std::string> orphans_;
  const Config* config_;
};

}  // namespace aicore::host

// What survives a configuration reload: OAuth tokens by credential and cooldowns by deployment
// URL. Without this a SIGHUP made every subaccount fetch a new token at once and put every
// rate-limited deployment straight back into rotation.
#include "runtime/Runtime.hpp"

namespace aicore::host {

std::shared_ptr<Cooldowns> Runtime::inherit_cooldowns(const Config& config, const Runtime* previous) {
  if (!previous || !previous->cooldowns) return std::make_shared<Cooldowns>(config.retry);
  return previous->cooldowns;  // its settings change only once this runtime is in force
}

std::shared_ptr<TokenCache> Runtime::inherit_token_cache(const Runtime* previous) {
  if (previous && previous->tokens) return previous->tokens->cache();
  return std::make_shared<TokenCache>();
}

std::shared_ptr<Affinity> Runtime::inherit_affinity(const Config& config, const Runtime* previous) {
  if (previous && previous->affinity) return previous->affinity;  // resized once this runtime is in force
  return std::make_shared<Affinity>(static_cast<size_t>(config.routing.affinity_max_entries),
                                    std::chrono::seconds(config.routing.affinity_ttl_s));
}

bool Runtime::affinity_for(const std::string& plugin) const {
  const std::string& mode = config.routing.affinity;
  return mode == "on" || (mode == "auto" && plugin == "claude");
}

void Runtime::settle_shared_state() const {
  if (ledger) ledger->configure(config.usage);
  if (affinity)
    affinity->configure(static_cast<size_t>(config.routing.affinity_max_entries),
                        std::chrono::seconds(config.routing.affinity_ttl_s));
  if (tokens) tokens->cache()->retain(tokens->keys());
  if (cooldowns) {
    cooldowns->configure(config.retry);
    std::vector<std::string> urls;
    for (const auto& s : config.subaccounts)
      for (const auto& [model, list] : s.deployment_models) urls.insert(urls.end(), list.begin(), list.end());
    cooldowns->retain(urls);
  }
}

}  // namespace aicore::host

// Everything a request needs, built once per configuration and shared read-only by the handlers
// (the token cache, balancer counters and connection pool are internally synchronised).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "balance/Balancer.hpp"
#include "balance/Cooldowns.hpp"
#include "config/Config.hpp"
#include "ledger/Ledger.hpp"
#include "plugin/PluginRegistry.hpp"
#include "quota/QuotaBook.hpp"
#include "routing/Affinity.hpp"
#include "routing/Router.hpp"
#include "tokens/SubaccountTokens.hpp"
#include "upstream/UpstreamClient.hpp"

namespace aicore::host {

struct Runtime {
  Config config;
  PluginSet plugins;
  std::unique_ptr<Router> router;
  Balancer balancer;
  // Shared with the runtime a reload replaces, and with the one that replaces this one: a
  // deployment URL keeps its cooldown, an unchanged credential its token (see RuntimeState.cpp).
  std::shared_ptr<Cooldowns> cooldowns;
  std::shared_ptr<Affinity> affinity;  // likewise: a conversation keeps its deployment over a reload
  std::unique_ptr<UpstreamClient> upstream;
  std::unique_ptr<SubaccountTokens> tokens;
  // The usage ledger (null when usage.enabled is false) and the keys' quota counters, opened by
  // open_usage() for a runtime that serves (not for --check-config); both outlive a reload.
  std::shared_ptr<Ledger> ledger;
  std::shared_ptr<QuotaBook> quotas;
  int64_t started_unix = 0;

  // Builds the runtime from a validated config and the loaded plugins; `previous` (on SIGHUP)
  // hands over its tokens and cooldowns. Throws ConfigError when the combination cannot serve
  // (e.g. client keys configured but no client-auth plugin).
  static std::unique_ptr<Runtime> build(Config config, PluginSet plugins, const Runtime* previous = nullptr);

  const SubAccount& subaccount(size_t i) const { return config.subaccounts[i]; }

  // The shared state this runtime starts from: `previous`'s, or fresh (RuntimeState.cpp).
  static std::shared_ptr<Cooldowns> inherit_cooldowns(const Config& config, const Runtime* previous);
  static std::shared_ptr<TokenCache> inherit_token_cache(const Runtime* previous);
  static std::shared_ptr<Affinity> inherit_affinity(const Config& config, const Runtime* previous);
  // Whether requests for the models `plugin` serves stick to their conversation's deployment.
  bool affinity_for(const std::string& plugin) const;
  // Once this runtime has replaced the previous one: applies its retry settings to the shared
  // cooldowns and drops the tokens and cooldowns of credentials and deployments it no longer has.
  // (Not in build(): a reload refused after building must leave the running state untouched.)
  void settle_shared_state() const;
  // Opens the ledger (or keeps `previous`'s when the file is the same) and the quota counters
  // (`previous`'s, or new ones rebuilt from the ledger). Throws LedgerError when the file cannot
  // be opened (UsageState.cpp).
  void open_usage(const Runtime* previous);
};

}  // namespace aicore::host

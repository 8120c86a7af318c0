// Everything a request needs, built once at start-up and shared read-only by the handlers
// (the token cache, balancer counters and connection pool are internally synchronised).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "balance/Balancer.hpp"
#include "balance/Cooldowns.hpp"
#include "config/Config.hpp"
#include "plugin/PluginRegistry.hpp"
#include "routing/Router.hpp"
#include "tokens/TokenCache.hpp"
#include "upstream/UpstreamClient.hpp"

namespace aicore::host {

struct Runtime {
  Config config;
  PluginSet plugins;
  std::unique_ptr<Router> router;
  Balancer balancer;
  std::unique_ptr<Cooldowns> cooldowns;
  std::unique_ptr<UpstreamClient> upstream;
  std::unique_ptr<TokenCache> tokens;
  int64_t started_unix = 0;

  // Builds the runtime from a validated config and the loaded plugins. Throws ConfigError when
  // the combination cannot serve (e.g. client keys configured but no client-auth plugin).
  static std::unique_ptr<Runtime> build(Config config, PluginSet plugins);

  const SubAccount& subaccount(size_t i) const { return config.subaccounts[i]; }
};

}  // namespace aicore::host

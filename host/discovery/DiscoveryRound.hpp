// One round of deployment discovery: list every discovering subaccount's deployments, then (if
// a list changed) build the next Runtime from the running one's configuration plus the new
// lists. The running runtime is the only place a last known list lives: a failed listing simply
// leaves it as it is, and a refresh or a reload starts from it.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "config/Config.hpp"
#include "runtime/Runtime.hpp"

namespace aicore::host {

struct DiscoveryRound {
  // The subaccount as it was listed (to match it in the runtime in force when the lists are
  // applied: a SIGHUP may have come in between) and its RUNNING deployments by model.
  std::vector<std::pair<SubAccount, ModelUrls>> lists;
  bool complete = true;  // every discovering subaccount was listed
};

// Lists the deployments of `rt`'s discovering subaccounts through `client` (tokens from `rt`).
// A subaccount that cannot be listed is logged as a warning saying what is kept meanwhile.
// `at_start`: the wording for the listing before the listener opens.
DiscoveryRound list_round(const Runtime& rt, UpstreamClient& client, bool at_start = false);

// The runtime that serves `current`'s configuration with the round's lists, sharing its plugins,
// tokens, cooldowns, affinity, ledger and quotas; null when no list changed. Logs each
// deployment that joins or leaves rotation. Throws ConfigError (as Runtime::build).
std::shared_ptr<Runtime> runtime_with(const Runtime& current, const DiscoveryRound& round);

// Whether a discovering subaccount of `rt` has no list yet (its retries then come sooner).
bool awaits_first_list(const Runtime& rt);

}  // namespace aicore::host

// The fourth stage: the attempt loop. Each attempt goes to the target Failover picks; its Outcome
// goes back to Failover, which decides whether there is another. When there is none and nothing
// has reached the client, forward returns the give-up answer (502, or 429/503 with Retry-After
// when everything is cooling down): the caller may still fall back to another model
// (pipeline/Fallback.hpp) before it tells the client with give_up().
#pragma once

#include <optional>

#include "pipeline/Exchange.hpp"
#include "retry/Failover.hpp"

namespace aicore::host {

// nullopt: the client has its answer (or is gone).
std::optional<GiveUp> forward(Exchange& x);

void give_up(Exchange& x, const GiveUp& g);

}  // namespace aicore::host

// The fourth stage: the attempt loop. Each attempt goes to the target Failover picks; its Outcome
// goes back to Failover, which decides whether there is another; when there is none, the client
// gets the give-up answer (502, or 429/503 with Retry-After when everything is cooling down).
#pragma once

#include "pipeline/Exchange.hpp"

namespace aicore::host {

void forward(Exchange& x);

}  // namespace aicore::host

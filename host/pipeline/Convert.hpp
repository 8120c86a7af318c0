// The third stage: which plugin serves the model, and what it makes of the request — an upstream
// request, or (count_tokens) an answer of its own that ends the exchange here.
#pragma once

#include "pipeline/Exchange.hpp"

namespace aicore::host {

// Sets x.route and x.upstream; false when the client has been answered (404, the plugin's 4xx/5xx,
// or the plugin's local answer).
bool convert(Exchange& x);

}  // namespace aicore::host

// The attempt loop with the model's fallback chain (config model_fallbacks): when every deployment
// of the requested model failed or is cooling and nothing has reached the client, the request is
// converted again by the fallback model's plugin (across families too) and forwarded there; the
// answer names the model that answered (its `model` field and the x-aicore-model header) and the
// access log says `fallback_from=`. Likewise, when the model answers that the prompt is longer
// than its context window (ACP_UPSTREAM_TOO_LONG), with its chain in context_window_fallbacks.
#pragma once

#include "pipeline/Exchange.hpp"

namespace aicore::host {

void forward_with_fallbacks(Exchange& x);

// Whether convert() must keep the client's body for a later fallback.
bool may_fall_back(const Exchange& x);

}  // namespace aicore::host

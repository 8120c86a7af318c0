#include "pipeline/Fallback.hpp"

#include <spdlog/spdlog.h>

#include "pipeline/Admit.hpp"
#include "pipeline/Convert.hpp"
#include "pipeline/Forward.hpp"

namespace aicore::host {
namespace {

// The fallback chain of `model` for an outage (model_fallbacks) or for a prompt longer than its
// context window (context_window_fallbacks); null when it has none.
const std::vector<std::string>* chain_of(const Exchange& x, const std::string& model, bool too_long) {
  const auto& chains = too_long ? x.rt.config.context_window_fallbacks : x.rt.config.model_fallbacks;
  const auto it = chains.find(model);
  return it == chains.end() || it->second.empty() ? nullptr : &it->second;
}

}  // namespace

bool may_fall_back(const Exchange& x) {
  return !x.rec.fallback_from.empty() || chain_of(x, x.route->model_key, false) != nullptr ||
         chain_of(x, x.route->model_key, true) != nullptr;
}

void forward_with_fallbacks(Exchange& x) {
  const std::string original = x.route->model_key;
  x.context_fallback = chain_of(x, original, true) != nullptr;
  std::optional<GiveUp> g = forward(x);
  if (!g) return;
  // The chain follows the requested model's first failure: an outage or a prompt too long for it.
  const bool too_long = g->prompt_too_long;
  if (const auto* chain = chain_of(x, original, too_long)) {
    for (size_t i = 0; i < chain->size(); ++i) {
      const std::string& next = (*chain)[i];
      if (!key_allows(x, next)) continue;  // not for this caller's key: the next one, or the original error
      if (too_long)
        spdlog::warn("request {}: the prompt is longer than '{}' takes ({}): falling back to '{}'", x.rec.id, original,
                     g->status, next);
      else
        spdlog::warn("request {}: no deployment of '{}' answered ({}): falling back to '{}'", x.rec.id, original,
                     g->status, next);
      x.rec.fallback_from = original;
      x.model = next;
      x.upstream = UpstreamRequest{};
      x.conversation = 0;
      x.context_fallback = too_long && i + 1 < chain->size();  // a later one may take what this one cannot
      if (!convert(x)) return;  // the fallback's plugin refused the request: the client has its error
      g = forward(x);
      if (!g) return;
    }
  }
  give_up(x, *g);
}

}  // namespace aicore::host

#include "pipeline/Fallback.hpp"

#include <spdlog/spdlog.h>

#include "pipeline/Convert.hpp"
#include "pipeline/Forward.hpp"

namespace aicore::host {

bool may_fall_back(const Exchange& x) {
  return !x.rec.fallback_from.empty() || x.rt.config.model_fallbacks.count(x.route->model_key) != 0;
}

void forward_with_fallbacks(Exchange& x) {
  std::optional<GiveUp> g = forward(x);
  if (!g) return;
  const auto chain = x.rt.config.model_fallbacks.find(x.route->model_key);
  if (chain != x.rt.config.model_fallbacks.end()) {
    const std::string original = x.route->model_key;
    for (const std::string& next : chain->second) {
      spdlog::warn("request {}: no deployment of '{}' answered ({}): falling back to '{}'", x.rec.id, original,
                   g->status, next);
      x.rec.fallback_from = original;
      x.model = next;
      x.upstream = UpstreamRequest{};
      x.conversation = 0;
      if (!convert(x)) return;  // the fallback's plugin refused the request: the client has its error
      g = forward(x);
      if (!g) return;
    }
  }
  give_up(x, *g);
}

}  // namespace aicore::host

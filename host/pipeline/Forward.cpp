#include "pipeline/Forward.hpp"

#include "pipeline/Attempt.hpp"
#include "retry/Failover.hpp"

namespace aicore::host {

void forward(Exchange& x) {
  auto targets = x.rt.balancer.candidates(x.route->model_key);
  if (targets.empty()) {
    x.fail(404, "The model '" + x.model + "' has no deployment");
    return;
  }
  Failover failover(std::move(targets), *x.rt.cooldowns, x.rt.config.retry);
  while (auto t = failover.next()) {
    x.rec.attempts = failover.attempts();
    x.rec.subaccount = x.rt.subaccount(t->subaccount).name;
    x.rec.deployment = deployment_id(t->url);
    if (!failover.settle(attempt(x, *t, failover.can_reauthorize()))) return;
  }
  x.rec.attempts = failover.attempts();
  const GiveUp g = failover.give_up(x.model);
  if (!g.retry_after.empty()) x.resp.set("Retry-After", g.retry_after);
  x.fail(g.status, g.message);
}

}  // namespace aicore::host

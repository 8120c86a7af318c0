#include "pipeline/Forward.hpp"

#include "pipeline/Attempt.hpp"
#include "retry/Failover.hpp"
#include "upstream/InFlightCalls.hpp"

namespace aicore::host {

void forward(Exchange& x) {
  auto targets = x.rt.balancer.candidates(x.route->model_key);
  if (targets.empty()) {
    x.fail(404, "The model '" + x.model + "' has no deployment");
    return;
  }
  Failover failover(std::move(targets), *x.rt.cooldowns, x.rt.config.retry);
  // Back-off waits end early when the drain deadline aborts the calls in flight.
  failover.plan().sleep = [](AttemptPlan::Clock::duration d) {
    if (!InFlightCalls::process().sleep_for(d)) throw UpstreamAborted();
  };
  // retry.deadline_s bounds every attempt's waits too, until the answer starts reaching the client.
  CallDeadline deadline{failover.plan().deadline(), true, x.rt.config.retry.deadline_s};
  x.deadline = &deadline;
  x.call.deadline = &deadline;
  x.call.method = x.upstream.method;
  x.call.body = std::move(x.upstream.body);
  while (auto t = failover.next()) {
    if (InFlightCalls::process().aborted()) {  // the drain deadline passed (a token fetch swallows the abort)
      failover.settle(Outcome::finished(Outcome::Health::Unknown));
      throw UpstreamAborted();
    }
    x.rec.attempts = failover.attempts();
    x.rec.subaccount = x.rt.subaccount(t->subaccount).name;
    x.rec.deployment = deployment_id(t->url);
    Outcome o;
    try {
      o = attempt(x, *t, failover.can_reauthorize());
    } catch (const UpstreamAborted&) {
      failover.settle(Outcome::finished(Outcome::Health::Unknown));  // stopping: no verdict on the deployment
      throw;
    }
    if (!failover.settle(o)) return;
  }
  x.rec.attempts = failover.attempts();
  if (InFlightCalls::process().aborted()) throw UpstreamAborted();  // they failed because the drain ended them
  const GiveUp g = failover.give_up(x.model);
  if (!g.retry_after.empty()) x.resp.set("Retry-After", g.retry_after);
  x.fail(g.status, g.message);
}

}  // namespace aicore::host

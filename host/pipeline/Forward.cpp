#include "pipeline/Forward.hpp"

#include <algorithm>
#include <utility>

#include "dashboard/RecentActivity.hpp"
#include "metrics/Metrics.hpp"
#include "pipeline/Attempt.hpp"
#include "retry/Failover.hpp"
#include "upstream/InFlightCalls.hpp"

namespace aicore::host {
namespace {

// The candidates in failover order. A conversation seen before goes first to the deployment that
// served its last turn, without taking a new conversation's round-robin turn; the others stay
// behind it, so a sticky deployment that fails or cools is left like any other.
std::vector<Target> candidates(Exchange& x, std::optional<std::string>& sticky) {
  if (x.conversation != 0) sticky = x.rt.affinity->find(x.conversation);
  auto targets = x.rt.balancer.candidates(x.route->model_key, !sticky);
  if (sticky) {
    auto it = std::find_if(targets.begin(), targets.end(), [&](const Target& t) { return t.url == *sticky; });
    if (it != targets.end()) std::rotate(targets.begin(), it, it + 1);
  }
  return targets;
}

// After the request: which deployment the conversation's next turn should go to.
void remember(Exchange& x, const std::optional<std::string>& sticky, const Target& served) {
  if (x.conversation == 0) return;
  x.rec.affinity = !sticky ? "new" : *sticky == served.url ? "hit" : "miss";
  if (x.rec.status >= 200 && x.rec.status < 300) x.rt.affinity->remember(x.conversation, served.url);
}

// aicore_upstream_attempts_total: one upstream call and what it said about the deployment; the
// dashboard keeps the last bad ones.
void count_attempt(const Exchange& x, const Outcome& o) {
  if (!x.rt.config.metrics.enabled) return;
  const std::string_view outcome = metrics::kAttemptOutcomes[static_cast<size_t>(o.health)];
  metrics::Metrics::process().attempt(x.rec.subaccount, x.rec.deployment, outcome);
  if (x.rt.config.metrics.dashboard &&
      (o.health == Outcome::Health::RateLimited || o.health == Outcome::Health::Failing))
    dashboard::RecentActivity::process().upstream_error(x.rec.subaccount, x.rec.deployment, o.status, outcome,
                                                        o.message, unix_ms_now());
}

}  // namespace

std::optional<GiveUp> forward(Exchange& x) {
  std::optional<std::string> sticky;
  auto targets = candidates(x, sticky);
  if (targets.empty()) {
    x.fail(404, "The model '" + x.model + "' has no deployment");
    return std::nullopt;
  }
  x.resp.set("x-aicore-model", x.route->model_key);  // which model answers (a fallback may)
  const int earlier_attempts = x.rec.attempts;       // of the models this one falls back from
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
    x.rec.attempts = earlier_attempts + failover.attempts();
    x.rec.subaccount = x.rt.subaccount(t->subaccount).name;
    x.rec.deployment = deployment_id(t->url);
    Outcome o;
    try {
      o = attempt(x, *t, failover.can_reauthorize());
    } catch (const UpstreamAborted&) {
      failover.settle(Outcome::finished(Outcome::Health::Unknown));  // stopping: no verdict on the deployment
      count_attempt(x, Outcome::finished(Outcome::Health::Unknown));
      throw;
    }
    count_attempt(x, o);
    if (!failover.settle(o)) {
      remember(x, sticky, *t);
      return std::exchange(x.too_long, std::nullopt);  // nullopt: answered
    }
  }
  x.rec.attempts = earlier_attempts + failover.attempts();
  if (x.conversation != 0) x.rec.affinity = sticky ? "miss" : "new";
  if (InFlightCalls::process().aborted()) throw UpstreamAborted();  // they failed because the drain ended them
  return failover.give_up(x.model);
}

void give_up(Exchange& x, const GiveUp& g) {
  if (!g.retry_after.empty()) x.resp.set("Retry-After", g.retry_after);
  x.fail(g.status, g.message);
}

}  // namespace aicore::host

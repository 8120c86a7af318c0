#include "pipeline/Quota.hpp"

#include "ledger/UsageRow.hpp"
#include "metrics/Metrics.hpp"
#include "quota/TokenEstimate.hpp"

namespace aicore::host {

bool charge_quota(Exchange& x) {
  // count_tokens and the like are answered here and cost no upstream tokens; anonymous callers
  // have no quota.
  if (!x.client || !x.rt.quotas || x.dialect.local) return true;
  const KeyLimits& lim = x.client->limits;
  const bool token_limits = lim.tokens_per_minute || lim.tokens_per_day || lim.tokens_per_month;
  const int64_t estimate = token_limits ? estimate_input_tokens(x.body) : 0;
  const QuotaVerdict v = x.rt.quotas->admit(x.client->name, lim, estimate, unix_ms_now(), x.quota);
  if (v.ok) return true;
  metrics::Metrics::process().quota_rejection(x.client->name, v.limit);
  x.resp.set("Retry-After", std::to_string(v.retry_after_s));
  const bool over = x.fail(429, v.message, {}, x.family() == Family::OpenAI ? "rate_limit_exceeded" : "");
  x.rec.error = "quota " + v.limit;
  return over;
}

void settle_quota(Exchange& x) {
  if (!x.quota.active || !x.client) return;
  const Usage& u = x.rec.usage;
  // An answer whose usage the upstream did not report keeps its estimate.
  const bool reported = u.input_tokens >= 0 || u.output_tokens >= 0;
  const int64_t used = reported || x.rec.status >= 400 ? quota_tokens(u) : x.quota.estimate;
  x.rt.quotas->settle(x.client->name, x.quota, used, unix_ms_now());
}

}  // namespace aicore::host

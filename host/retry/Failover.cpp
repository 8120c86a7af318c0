#include "retry/Failover.hpp"

#include <algorithm>

namespace aicore::host {

std::optional<std::chrono::seconds> parse_retry_after(const std::string& v) {
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::chrono::seconds(std::stoll(v));
}

std::optional<Target> Failover::next() {
  if (again_) {
    again_ = false;
    return current_;  // still claimed: the re-authorised attempt goes to the same deployment
  }
  current_ = plan_.next();
  return current_;
}

bool Failover::settle(const Outcome& o) {
  if (!current_) return false;
  const std::string& url = current_->url;
  if (o.then == Outcome::Then::Reauthorize && !reauthorized_) {
    reauthorized_ = true;
    again_ = true;
    last_status_ = o.status;
    last_message_ = o.message;
    return true;
  }
  // A second refusal of a fresh token counts against the deployment like any other failure.
  switch (o.health) {
    case Outcome::Health::Fine: cooldowns_.succeeded(url); break;
    case Outcome::Health::RateLimited: cooldowns_.rate_limited(url, parse_retry_after(o.retry_after)); break;
    case Outcome::Health::Failing: cooldowns_.failed(url); break;
    case Outcome::Health::Unknown: cooldowns_.release(url); break;
  }
  if (o.then == Outcome::Then::Finish) return false;
  last_status_ = o.status;
  last_message_ = o.message;
  retry_after_ = o.retry_after;
  return true;
}

GiveUp Failover::give_up(const std::string& model) const {
  GiveUp g;
  const AttemptPlan& plan = plan_;
  if (plan.gave_up_cooling()) {
    const bool limited = last_status_ == 429 || last_status_ == 0;
    g.status = limited ? 429 : 503;
    g.retry_after = std::to_string(plan.retry_after().count());
    g.message = std::string(limited ? "rate limited: " : "temporarily unavailable: ") + "every deployment of '" +
                model + "' is cooling down" +
                (last_message_.empty() || last_status_ == 0 ? std::string() : " (last error: " + last_message_ + ")");
    return g;
  }
  g.status = last_status_ == 429 ? 429 : 502;
  if (last_status_ == 429) g.retry_after = retry_after_;
  g.message = "upstream failed after " + std::to_string(attempts()) + " attempt(s): " + last_message_;
  return g;
}

}  // namespace aicore::host

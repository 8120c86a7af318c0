// The failover policy of one request, in one place: how each attempt's outcome changes the
// deployment's cooldown state, whether the request tries again (the next target, or the same one
// with a fresh token), and — when it gives up — what the client is told. AttemptPlan picks the
// targets and paces the rounds; Failover decides what an outcome means.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "balance/Cooldowns.hpp"
#include "config/Config.hpp"
#include "retry/AttemptPlan.hpp"

namespace aicore::host {

// How one attempt ended, as the policy sees it.
struct Outcome {
  // What the attempt says about the deployment.
  enum class Health {
    Fine,         // it answered (success, or an error that is the request's fault)
    RateLimited,  // 429: cool for Retry-After
    Failing,      // 5xx, timeout, broken connection: counts towards cooling
    Unknown,      // the attempt ended for a reason that says nothing about it (client left, token)
  };
  // What the request does next.
  enum class Then {
    Finish,      // the client has its answer (or is gone)
    TryNext,     // nothing reached the client: try the next target
    Reauthorize  // the upstream refused the token: the same target again with a fresh one
  };
  Health health = Health::Fine;
  Then then = Then::Finish;
  int status = 0;           // the upstream's (or the host's) status, for the final answer
  std::string message;      // likewise
  std::string retry_after;  // the upstream's Retry-After header, as sent

  static Outcome finished(Health h = Health::Fine) { return Outcome{h, Then::Finish, 0, {}, {}}; }
  static Outcome retry(Health h, int status, std::string message, std::string retry_after = {}) {
    return Outcome{h, Then::TryNext, status, std::move(message), std::move(retry_after)};
  }
};

// What the client is told when every attempt failed.
struct GiveUp {
  int status = 502;
  std::string message;
  std::string retry_after;       // the Retry-After header to send; empty: none
  bool prompt_too_long = false;  // the model's context window: a context-window fallback may serve it
};

class Failover {
 public:
  Failover(std::vector<Target> targets, Cooldowns& cooldowns, const RetrySettings& settings)
      : plan_(std::move(targets), cooldowns, settings), cooldowns_(cooldowns) {}

  // The target of the next attempt (claimed in the cooldowns), or nullopt: give up.
  std::optional<Target> next();

  // Applies the outcome of the attempt on the target next() returned. True: try again.
  bool settle(const Outcome& o);

  // Whether an upstream 401 may still be answered by fetching a fresh token (once per request).
  bool can_reauthorize() const { return !reauthorized_; }
  // Attempts so far, a re-authorised retry included.
  int attempts() const { return plan_.attempts() + (reauthorized_ ? 1 : 0); }

  // The answer when next() returned nullopt. `model` is the client's name for it.
  GiveUp give_up(const std::string& model) const;

  AttemptPlan& plan() { return plan_; }

 private:
  AttemptPlan plan_;
  Cooldowns& cooldowns_;
  std::optional<Target> current_;
  bool again_ = false;  // next() returns current_ once more (re-authorisation)
  bool reauthorized_ = false;
  int last_status_ = 0;
  std::string last_message_ = "no deployment could be tried";
  std::string retry_after_;
};

// Retry-After in seconds (the HTTP-date form is rare from SAP and treated as absent).
std::optional<std::chrono::seconds> parse_retry_after(const std::string& v);

}  // namespace aicore::host

// Which deployments are out of rotation, and until when. A 429 cools a deployment for its
// Retry-After (or a configured period); repeated failures (5xx, timeouts, connection errors) cool
// it for growing periods. When a cooldown ends the deployment is half-open: one request probes it
// while the others keep avoiding it; success closes it again, failure cools it for longer.
// A success never shortens a Retry-After the upstream asked for (another request may have got the
// 429 while this one was running). The state outlives a configuration: on SIGHUP the new runtime
// takes it over, so a deployment URL that stays keeps its cooldown.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "balance/Balancer.hpp"
#include "config/Config.hpp"

namespace aicore::host {

// The other instances' say on half-open probes (shared/ProbeStore.hpp): a cooldown shared through
// Redis ends on every instance at once, and without a word between them each would send its own
// probe to a deployment that may still be failing.
class ProbePeers {
 public:
  enum class Claim { Won, Lost, Unavailable };
  virtual ~ProbePeers() = default;
  // This instance would probe `url`: Won when no other instance is probing it, Lost when one is,
  // Unavailable when the peers cannot be asked (this instance then decides alone). May wait for
  // Redis, never long (shared_state.lookup_timeout_ms).
  virtual Claim claim(const std::string& url) = 0;
  // The probe this instance won has its verdict. Success (`keep` zero): the others may claim
  // again. Failure: the claim is kept for `keep`, the new cooldown, so no peer probes before it
  // has learnt of that cooldown (a poll interval away).
  virtual void release(const std::string& url, std::chrono::milliseconds keep) = 0;
};

class Cooldowns {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  explicit Cooldowns(const RetrySettings& s, Now now = &Clock::now) : s_(s), now_(std::move(now)) {}

  // Claims `url` for an attempt: false while it cools down, or while another request probes it.
  bool try_acquire(const std::string& url);
  // The deployment answered: forget its failures. An active rate-limit cooldown stays.
  void succeeded(const std::string& url);
  void rate_limited(const std::string& url, std::optional<std::chrono::seconds> retry_after);
  void failed(const std::string& url);
  // Releases a claim without a verdict (the attempt ended for a reason that says nothing about
  // the deployment, e.g. the client left).
  void release(const std::string& url);

  // Time until the first of `targets` leaves its cooldown (zero when one is available now).
  Clock::duration wait_for_any(const std::vector<Target>& targets) const;
  bool cooling(const std::string& url) const;
  // How long `url` stays out of rotation from now (zero when it is not cooling).
  Clock::duration remaining(const std::string& url) const;

  // Where `url` stands now, for the dashboard.
  enum class Phase { Healthy, Cooling, HalfOpen };
  struct View {
    Phase phase = Phase::Healthy;
    Clock::duration remaining{};  // while cooling
  };
  View view(const std::string& url) const;

  // A cooldown another instance started (shared/): `url` stays out of rotation until `until`, and
  // is half-open after it (one probe at a time). Never shortens a local cooldown, and a success
  // here does not end it early (the peer saw the 429 or the failures; this instance did not), as
  // with a Retry-After.
  void apply_remote(const std::string& url, Clock::time_point until);
  // Told of every cooldown this instance starts, after the lock is released (shared/ publishes
  // them). Must not block: it runs on the request thread that saw the 429 or the failure.
  using Cooled = std::function<void(const std::string& url, Clock::time_point until)>;
  void on_cooled(Cooled f);
  // Half-open probes claimed with `peers` from now on (nullptr: this instance decides alone). A
  // probe lost to a peer leaves the deployment out of rotation here for kProbeLostPause, then
  // this instance asks again (the peer's probe has its verdict by then, or is still running).
  void share_probes(std::shared_ptr<ProbePeers> peers);
  static constexpr std::chrono::milliseconds kProbeLostPause{250};

  // New settings from a reload; the state of every deployment stays.
  void configure(const RetrySettings& s);
  // Forgets deployments not in `urls` (a reload removed them).
  void retain(const std::vector<std::string>& urls);

 private:
  struct State {
    Clock::time_point until{};
    Clock::time_point rate_limited_until{};  // what the last 429s asked for
    int failures = 0;                        // consecutive
    int cooldowns = 0;                       // consecutive cooldowns, for the growing period
    bool probing = false;                    // a half-open probe is in flight
  };
  // The probe of `url` (if this instance held one) has its verdict: tell the peers.
  void release_probe_(const std::string& url, bool was_probing, Clock::time_point cooled_until = {});
  // Cools `st` for `d` from now; returns its end, for the on_cooled hook.
  Clock::time_point cool_(State& st, Clock::duration d);

  RetrySettings s_;
  Now now_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, State> states_;
  Cooled cooled_;                       // under mu_; copied out before it is called
  std::shared_ptr<ProbePeers> probes_;  // under mu_; copied out before it is asked
};

}  // namespace aicore::host

#include "balance/Cooldowns.hpp"

#include <algorithm>

namespace aicore::host {

using namespace std::chrono;

bool Cooldowns::try_acquire(const std::string& url) {
  std::shared_ptr<ProbePeers> peers;
  {
    std::lock_guard lock(mu_);
    auto it = states_.find(url);
    if (it == states_.end()) return true;  // never failed: the common case stays allocation-free
    State& st = it->second;
    if (now_() < st.until) return false;
    if (st.cooldowns == 0) return true;  // failing a little, not cooled: stays in rotation
    if (st.probing) return false;        // half-open: one probe at a time
    st.probing = true;
    peers = probes_;
  }
  // Half-open, and the other instances are half-open too: one of them probes. Asked without the
  // lock (it may wait for Redis); Redis away: this instance probes on its own.
  if (!peers || peers->claim(url) != ProbePeers::Claim::Lost) return true;
  std::lock_guard lock(mu_);
  if (auto it = states_.find(url); it != states_.end()) {
    it->second.probing = false;
    it->second.until = std::max(it->second.until, now_() + kProbeLostPause);
  }
  return false;
}

void Cooldowns::release_probe_(const std::string& url, bool was_probing, Clock::time_point cooled_until) {
  if (!was_probing) return;
  std::shared_ptr<ProbePeers> peers;
  Clock::duration keep{};
  {
    std::lock_guard lock(mu_);
    peers = probes_;
    if (cooled_until != Clock::time_point{}) keep = std::max(Clock::duration::zero(), cooled_until - now_());
  }
  if (peers) peers->release(url, std::chrono::ceil<std::chrono::milliseconds>(keep));
}

void Cooldowns::share_probes(std::shared_ptr<ProbePeers> peers) {
  std::lock_guard lock(mu_);
  probes_ = std::move(peers);
}

void Cooldowns::succeeded(const std::string& url) {
  bool was_probing = false;
  {
    std::lock_guard lock(mu_);
    auto it = states_.find(url);
    if (it == states_.end()) return;
    State& st = it->second;
    was_probing = st.probing;
    if (now_() < st.rate_limited_until) {
      // This request started before another one was told to back off: the upstream's Retry-After
      // still holds. The failure history goes; the deployment is closed once the limit ends.
      st.until = st.rate_limited_until;
      st.failures = 0;
      st.cooldowns = 0;
      st.probing = false;
    } else {
      states_.erase(it);
    }
  }
  release_probe_(url, was_probing);
}

void Cooldowns::release(const std::string& url) {
  bool was_probing = false;
  {
    std::lock_guard lock(mu_);
    if (auto it = states_.find(url); it != states_.end()) {
      was_probing = it->second.probing;
      it->second.probing = false;
    }
  }
  release_probe_(url, was_probing);
}

Cooldowns::Clock::time_point Cooldowns::cool_(State& st, Clock::duration d) {
  st.until = std::max(st.until, now_() + d);
  st.probing = false;
  ++st.cooldowns;
  return st.until;
}

void Cooldowns::rate_limited(const std::string& url, std::optional<seconds> retry_after) {
  Cooled hook;
  Clock::time_point until;
  bool was_probing = false;
  {
    std::lock_guard lock(mu_);
    State& st = states_[url];
    seconds d = retry_after ? *retry_after : seconds(s_.rate_limit_cooldown_s);
    d = std::clamp(d, seconds(1), seconds(s_.max_cooldown_s));
    was_probing = st.probing;
    until = cool_(st, d);
    st.rate_limited_until = std::max(st.rate_limited_until, now_() + d);
    hook = cooled_;
  }
  // Outside the lock: the hook takes its own (shared/), and request threads must not queue on ours.
  if (hook) hook(url, until);
  release_probe_(url, was_probing, until);
}

void Cooldowns::failed(const std::string& url) {
  Cooled hook;
  Clock::time_point until;
  bool was_probing = false;
  {
    std::lock_guard lock(mu_);
    State& st = states_[url];
    ++st.failures;
    was_probing = st.probing;
    if (st.cooldowns == 0 && st.failures < s_.failure_threshold) {
      st.probing = false;
      return;  // not half-open (no cooldown yet): there was no claim to release
    }
    // Growing periods: base, 2x, 4x ... up to the cap.
    int64_t base = s_.failure_cooldown_s;
    int shift = std::min(st.cooldowns, 16);
    int64_t d = std::min<int64_t>(base << shift, s_.max_cooldown_s);
    until = cool_(st, seconds(d));
    hook = cooled_;
  }
  if (hook) hook(url, until);
  release_probe_(url, was_probing, until);
}

void Cooldowns::apply_remote(const std::string& url, Clock::time_point until) {
  std::lock_guard lock(mu_);
  if (until <= now_()) return;  // over already: no entry for a deployment this instance never saw fail
  State& st = states_[url];
  // Only ever later. When it ends the deployment is half-open here too, as after a cooldown of
  // this instance's own: one request at a time probes it until one succeeds, rather than every
  // instance sending it full traffic the moment the peer's cooldown ends (and each learning
  // again, failure by failure, what the peer already knew). The failure history stays local.
  st.until = std::max(st.until, until);
  st.rate_limited_until = std::max(st.rate_limited_until, until);
  st.cooldowns = std::max(st.cooldowns, 1);
}

void Cooldowns::on_cooled(Cooled f) {
  std::lock_guard lock(mu_);
  cooled_ = std::move(f);
}

bool Cooldowns::cooling(const std::string& url) const {
  std::lock_guard lock(mu_);
  auto it = states_.find(url);
  return it != states_.end() && now_() < it->second.until;
}

Cooldowns::Clock::duration Cooldowns::remaining(const std::string& url) const {
  std::lock_guard lock(mu_);
  auto it = states_.find(url);
  if (it == states_.end()) return Clock::duration::zero();
  const auto now = now_();
  return it->second.until > now ? it->second.until - now : Clock::duration::zero();
}

Cooldowns::View Cooldowns::view(const std::string& url) const {
  std::lock_guard lock(mu_);
  auto it = states_.find(url);
  if (it == states_.end()) return {};
  const auto now = now_();
  if (it->second.until > now) return {Phase::Cooling, it->second.until - now};
  // A cooldown that ended leaves the deployment half-open until a probe succeeds (try_acquire).
  return {it->second.cooldowns > 0 ? Phase::HalfOpen : Phase::Healthy, {}};
}

Cooldowns::Clock::duration Cooldowns::wait_for_any(const std::vector<Target>& targets) const {
  std::lock_guard lock(mu_);
  const auto now = now_();
  Clock::duration best = Clock::duration::max();
  for (const auto& t : targets) {
    auto it = states_.find(t.url);
    if (it == states_.end() || it->second.until <= now) return Clock::duration::zero();
    best = std::min(best, it->second.until - now);
  }
  return best;
}

void Cooldowns::configure(const RetrySettings& s) {
  std::lock_guard lock(mu_);
  s_ = s;
}

void Cooldowns::retain(const std::vector<std::string>& urls) {
  std::lock_guard lock(mu_);
  std::erase_if(states_, [&](const auto& kv) { return std::find(urls.begin(), urls.end(), kv.first) == urls.end(); });
}

}  // namespace aicore::host

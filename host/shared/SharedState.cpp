#include "shared/SharedState.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <unordered_set>
#include <vector>

#include "shared/AffinityStore.hpp"
#include "shared/CooldownSet.hpp"
#include "shared/ProbeStore.hpp"
#include "shared/QuotaCounters.hpp"
#include "shared/RedisLink.hpp"
#include "shared/RedisUrl.hpp"
#include "shared/SharedStatus.hpp"

namespace aicore::host::shared {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using std::chrono::system_clock;

// Cooldowns run on the steady clock; peers only share the wall clock (NTP keeps instances
// within milliseconds; a skew of d shifts a peer's cooldown by d).
int64_t wall_ms(steady_clock::time_point t, steady_clock::time_point steady_now, int64_t now_ms) {
  return now_ms + std::chrono::duration_cast<milliseconds>(t - steady_now).count();
}

int64_t now_wall_ms() {
  return std::chrono::duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The deployment URLs the running configuration serves: a peer with another config may cool
// deployments this instance does not know, and those are not worth an entry here.
std::unordered_set<std::string> served_urls(const Config& c) {
  std::unordered_set<std::string> urls;
  for (const auto& s : c.subaccounts)
    for (const auto& [model, list] : s.deployment_models) urls.insert(list.begin(), list.end());
  return urls;
}

// The keys whose quotas need the peers' usage: those with a limit (the others' usage is still
// sent, so that a limit a reload adds applies to what the key used everywhere).
std::vector<std::string> limited_keys(const Config& c) {
  std::vector<std::string> names;
  for (const auto& k : c.client_keys)
    if (k.limits.any()) names.push_back(k.name);
  return names;
}

// How long the peers' usage read in one poll is trusted: a few polls, so that one slow round trip
// does not drop it, and never long, so that Redis gone means local counting soon (not refusals
// on old numbers).
int64_t peers_ttl_ms(const SharedStateSettings& s) { return std::max<int64_t>(2000, 5 * int64_t(s.poll_interval_ms)); }

// The URL with what the config says beside it (the CA bundle for rediss://); valid: the config loaded.
RedisUrl redis_url_of(const SharedStateSettings& s) {
  RedisUrl u = parse_redis_url(s.redis_url);
  u.ca_file = s.tls_ca_file;
  return u;
}

}  // namespace

SharedState::SharedState(std::shared_ptr<RuntimeHolder> holder) : holder_(std::move(holder)) {
  const auto rt = holder_->get();
  if (rt->config.shared_state.redis_url.empty()) return;
  cooldowns_ = rt->cooldowns;
  quotas_ = rt->quotas;  // it outlives reloads, as the cooldowns do
  if (quotas_) quotas_->share();
  SharedStatus::process().redis = SharedStatus::Down;  // until the first connection
  outbox_ = std::make_shared<Outbox>();
  cooldowns_->on_cooled([box = outbox_](const std::string& url, Cooldowns::Clock::time_point until) {
    box->put(url, wall_ms(until, steady_clock::now(), now_wall_ms()));
  });
  const auto& settings = rt->config.shared_state;
  const RedisUrl url = redis_url_of(settings);
  auto pool = std::make_shared<RedisPool>(url, milliseconds(settings.lookup_timeout_ms));
  // A prober that died holds its claim this long; a probe's verdict ends it sooner.
  cooldowns_->share_probes(std::make_shared<ProbeStore>(pool, milliseconds(10000)));
  affinity_ = rt->affinity;
  affinity_->share(std::make_shared<AffinityStore>(
      std::move(pool), settings.client_cache ? std::optional<RedisUrl>(url) : std::nullopt,
      milliseconds(settings.timeout_ms), static_cast<size_t>(rt->config.routing.affinity_max_entries)));
  thread_ = std::thread([this] { run_(); });
}

void SharedState::stop() {
  if (cooldowns_) cooldowns_->on_cooled(nullptr);
  if (cooldowns_) cooldowns_->share_probes(nullptr);
  if (affinity_) affinity_->share(nullptr);
  if (quotas_) quotas_->share(false);
  if (outbox_) outbox_->stop();
  if (thread_.joinable()) thread_.join();
}

void SharedState::run_() {
  const SharedStateSettings settings = holder_->get()->config.shared_state;
  const RedisUrl url = redis_url_of(settings);
  RedisLink link(url, milliseconds(settings.timeout_ms));
  CooldownSet set;
  QuotaCounters counters;
  // Straight away at start, then every poll interval, or sooner when this instance cooled one.
  for (bool first = true; first || outbox_->wait(milliseconds(settings.poll_interval_ms)); first = false) {
    const auto rt = holder_->get();  // a reload keeps shared_state as it started (main.cpp)
    Outbox::Batch batch = outbox_->take();
    if (quotas_) counters.collect(*quotas_, now_wall_ms());
    const bool ok = link.run([&](RedisConn& c, bool fresh) {
      const int64_t now_ms = now_wall_ms();
      set.publish(c, batch, fresh, now_ms);
      batch.clear();
      if (quotas_) {
        if (fresh) counters.on_connect(c);
        counters.publish(c, now_ms);
        counters.fetch(c, limited_keys(rt->config), *quotas_, now_ms, now_ms + peers_ttl_ms(settings));
      }
      const auto peers = set.fetch(c, now_ms);
      if (peers.empty()) return;
      const auto served = served_urls(rt->config);
      const auto steady_now = steady_clock::now();
      for (const auto& [u, until_ms] : peers)
        if (served.contains(u)) cooldowns_->apply_remote(u, steady_now + milliseconds(until_ms - now_ms));
    });
    if (!ok) outbox_->put_back(batch);
  }
}

}  // namespace aicore::host::shared

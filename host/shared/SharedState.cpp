#include "shared/SharedState.hpp"

#include <chrono>
#include <unordered_set>

#include "shared/AffinityStore.hpp"
#include "shared/CooldownSet.hpp"
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

}  // namespace

SharedState::SharedState(std::shared_ptr<RuntimeHolder> holder) : holder_(std::move(holder)) {
  const auto rt = holder_->get();
  if (rt->config.shared_state.redis_url.empty()) return;
  cooldowns_ = rt->cooldowns;
  SharedStatus::process().redis = SharedStatus::Down;  // until the first connection
  outbox_ = std::make_shared<Outbox>();
  cooldowns_->on_cooled([box = outbox_](const std::string& url, Cooldowns::Clock::time_point until) {
    box->put(url, wall_ms(until, steady_clock::now(), now_wall_ms()));
  });
  const auto& settings = rt->config.shared_state;
  auto pool =
      std::make_shared<RedisPool>(parse_redis_url(settings.redis_url), milliseconds(settings.lookup_timeout_ms));
  affinity_ = rt->affinity;
  affinity_->share(std::make_shared<AffinityStore>(std::move(pool)));
  thread_ = std::thread([this] { run_(); });
}

void SharedState::stop() {
  if (cooldowns_) cooldowns_->on_cooled(nullptr);
  if (affinity_) affinity_->share(nullptr);
  if (outbox_) outbox_->stop();
  if (thread_.joinable()) thread_.join();
}

void SharedState::run_() {
  const SharedStateSettings settings = holder_->get()->config.shared_state;
  const RedisUrl url = parse_redis_url(settings.redis_url);  // valid: the config loaded
  RedisLink link(url, milliseconds(settings.timeout_ms));
  CooldownSet set;
  // Straight away at start, then every poll interval, or sooner when this instance cooled one.
  for (bool first = true; first || outbox_->wait(milliseconds(settings.poll_interval_ms)); first = false) {
    const auto rt = holder_->get();  // a reload keeps shared_state as it started (main.cpp)
    Outbox::Batch batch = outbox_->take();
    const bool ok = link.run([&](Poco::Redis::Client& c, bool fresh) {
      const int64_t now_ms = now_wall_ms();
      set.publish(c, batch, fresh, now_ms);
      batch.clear();
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

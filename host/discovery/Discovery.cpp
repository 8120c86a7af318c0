#include "discovery/Discovery.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "discovery/DiscoveryRound.hpp"
#include "log/Log.hpp"
#include "upstream/UpstreamClient.hpp"

namespace aicore::host {

Discovery::Discovery(std::shared_ptr<RuntimeHolder> holder) : holder_(std::move(holder)), thread_([this] { run_(); }) {}

void Discovery::refresh_now() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void Discovery::stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
  }
  cv_.notify_all();
  calls_.abort_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<Runtime> Discovery::discover_at_start(std::shared_ptr<Runtime> rt) {
  if (!rt->config.discovers()) return rt;
  const DiscoveryRound round = list_round(*rt, *rt->upstream, true);
  try {
    if (auto next = runtime_with(*rt, round)) return next;
  } catch (const std::exception& e) {
    spdlog::warn("discovery: the discovered deployments cannot be served, keeping the configured ones: {}",
                 redact(e.what()));
  }
  return rt;
}

bool Discovery::round_() {
  const std::shared_ptr<Runtime> listed_from = holder_->get();
  if (!listed_from->config.discovers()) return true;
  // A client of its own (the running configuration's TLS settings, this thread's registry), so
  // stop() can abort a listing without touching the requests' calls.
  UpstreamClient client(listed_from->config.upstream, calls_);
  const DiscoveryRound round = list_round(*listed_from, client);
  {
    std::lock_guard lock(mu_);
    if (stop_) return true;
  }
  // One rebuild at a time: a SIGHUP between the listing and here is applied first, and the lists
  // go to the subaccounts of the runtime now in force that list the same deployments.
  std::lock_guard rebuild(holder_->rebuild_mu);
  const std::shared_ptr<Runtime> current = holder_->get();
  try {
    if (auto next = runtime_with(*current, round)) {
      holder_->set(next);
      next->settle_shared_state();
    }
  } catch (const std::exception& e) {
    spdlog::warn("discovery: the new deployment lists cannot be served, keeping the current ones: {}",
                 redact(e.what()));
    return false;
  }
  return round.complete;
}

void Discovery::run_() {
  bool ok = !awaits_first_list(*holder_->get());
  for (;;) {
    const DiscoverySettings d = holder_->get()->config.discovery;
    const auto wait = std::chrono::seconds(ok ? d.refresh_s : std::min(d.retry_s, d.refresh_s));
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, wait, [this] { return stop_ || wake_; });
      if (stop_) return;
      wake_ = false;
    }
    ok = round_() && !awaits_first_list(*holder_->get());
  }
}

}  // namespace aicore::host

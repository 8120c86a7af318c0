// Deployment discovery while the proxy serves: a thread lists the discovering subaccounts'
// deployments every discovery.refresh_s (sooner, every discovery.retry_s, after a failure or
// while a subaccount has no list yet, and at once after a SIGHUP), and when a list changed swaps
// in a Runtime built from the running configuration plus the new lists, as SIGHUP swaps one in:
// requests already running finish on the runtime they started with, cooldowns, affinity, tokens,
// the ledger and quotas carry over. A deployment that disappeared leaves rotation, a new one
// joins. A failed listing keeps the last known list (and says so in the log).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "runtime/RuntimeHolder.hpp"
#include "upstream/InFlightCalls.hpp"

namespace aicore::host {

class Discovery {
 public:
  explicit Discovery(std::shared_ptr<RuntimeHolder> holder);
  ~Discovery() { stop(); }
  Discovery(const Discovery&) = delete;
  Discovery& operator=(const Discovery&) = delete;

  // After a SIGHUP reload: list again now (the new configuration may name other subaccounts).
  void refresh_now();
  // Ends the thread; a listing under way is aborted. Idempotent.
  void stop();

  // Before the listener opens: one listing, so the first request already finds the discovered
  // models. Returns the runtime to serve (`rt` when nothing was listed, or discovery is off).
  static std::shared_ptr<Runtime> discover_at_start(std::shared_ptr<Runtime> rt);

 private:
  void run_();
  bool round_();  // one listing and, when a list changed, the swap; false when a listing failed

  std::shared_ptr<RuntimeHolder> holder_;
  InFlightCalls calls_;  // this thread's listings only, so stop() can cut one short
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wake_ = false;
  std::thread thread_;
};

}  // namespace aicore::host

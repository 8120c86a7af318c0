// What several instances share through Redis (shared_state.redis_url), kept off the request
// path: one background thread owns the Redis connection. Cooldowns this instance starts reach it
// through an Outbox (a request thread only queues); every shared_state.poll_interval_ms it sends
// them and applies the cooldowns peers published to the local Cooldowns. Quota usage goes the
// same way: it takes the QuotaBook's deltas, adds them to Redis's per-key counters, and gives the
// book the peers' part of them (shared/QuotaCounters). Redis down or slow
// delays only this thread: requests go on with the local state, and the log says so.
// Conversation affinity is the exception that asks Redis on the request path (AffinityStore.hpp).
// Built from the configuration at start-up; a reload that changes shared_state needs a restart.
#pragma once

#include <memory>
#include <thread>

#include "runtime/RuntimeHolder.hpp"
#include "shared/Outbox.hpp"

namespace aicore::host::shared {

class SharedState {
 public:
  // Starts the thread when the runtime's config names a Redis URL; else does nothing at all.
  explicit SharedState(std::shared_ptr<RuntimeHolder> holder);
  ~SharedState() { stop(); }
  SharedState(const SharedState&) = delete;
  SharedState& operator=(const SharedState&) = delete;

  // Unhooks the cooldowns and ends the thread (after at most one Redis timeout). Idempotent.
  void stop();

 private:
  void run_();

  std::shared_ptr<RuntimeHolder> holder_;
  std::shared_ptr<Cooldowns> cooldowns_;  // the hooked one (it outlives reloads)
  std::shared_ptr<Affinity> affinity_;    // likewise
  std::shared_ptr<QuotaBook> quotas_;     // the runtime's (it outlives reloads too)
  std::shared_ptr<Outbox> outbox_;        // shared with the hook, which may outlive this object
  std::thread thread_;
};

}  // namespace aicore::host::shared

// The current Runtime, swappable at run time (SIGHUP reload). Each request takes a reference
// when it starts and keeps it to the end, so a reload never changes a request mid-flight, and
// the old runtime (with its plugins) is freed when its last request finishes.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "runtime/Runtime.hpp"
#include "server/MemoryBudget.hpp"

namespace aicore::host {

class RuntimeHolder {
 public:
  explicit RuntimeHolder(std::shared_ptr<Runtime> rt) : rt_(std::move(rt)) {}
  std::shared_ptr<Runtime> get() const {
    std::lock_guard lock(mu_);
    return rt_;
  }
  void set(std::shared_ptr<Runtime> rt) {
    std::lock_guard lock(mu_);
    rt_.swap(rt);
  }

  // Held while a next runtime is built from the current one and swapped in (SIGHUP, a discovery
  // refresh), so one never overwrites what the other just put in force.
  std::mutex rebuild_mu;

  // Model requests in flight, for admission control (503 when the worker pool is nearly full).
  std::atomic<int> in_flight{0};
  // Set on SIGTERM/SIGINT: requests that still arrive on open keep-alive connections are refused.
  std::atomic<bool> draining{false};
  // Configurations put in force by SIGHUP since the start (the dashboard shows it).
  std::atomic<int> reloads{0};
  // The port the listener has (the config may say 0: any free one).
  int listener_port = 0;
  // What model requests in flight hold in memory (server.max_inflight_body_bytes).
  MemoryBudget body_budget;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<Runtime> rt_;
};

// Counts a request in flight for its lifetime.
class InFlight {
 public:
  explicit InFlight(RuntimeHolder& h) : h_(h) { h_.in_flight.fetch_add(1, std::memory_order_relaxed); }
  ~InFlight() { h_.in_flight.fetch_sub(1, std::memory_order_relaxed); }
  InFlight(const InFlight&) = delete;

 private:
  RuntimeHolder& h_;
};

}  // namespace aicore::host

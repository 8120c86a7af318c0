// The process-wide budget for what model requests in flight hold in memory
// (server.max_inflight_body_bytes): their bodies, the plugins' parsed documents of them, the
// converted upstream bodies and the upstream answers. A request takes a Lease when it arrives and
// reserves before each step that needs more, so what does not fit is refused (503 + Retry-After)
// before the memory is spent: from Content-Length before the body is read, from the body's
// estimated parse cost (RequestCost) before the plugin parses it. Memory a request already holds
// and cannot refuse (an upstream answer arriving) is counted with set(), even past the limit, so
// that new requests wait for it.
//
// Lives in the RuntimeHolder (it outlives SIGHUP reloads); the limit is read from each request's
// configuration, so a reload changes it for the requests that come after.
#pragma once

#include <atomic>
#include <cstdint>

namespace aicore::host {

class MemoryBudget {
 public:
  class Lease {
   public:
    explicit Lease(MemoryBudget& b) : b_(b) {}
    ~Lease() { set(0); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    // Grows this lease to `total` bytes when everything held (this lease included) stays within
    // `limit`; false, and unchanged, otherwise. Shrinking always succeeds.
    bool reserve(int64_t total, int64_t limit);
    // Counts `total` bytes, whatever the limit.
    void set(int64_t total);
    int64_t held() const { return held_; }

   private:
    MemoryBudget& b_;
    int64_t held_ = 0;
  };

  int64_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> used_{0};
};

}  // namespace aicore::host

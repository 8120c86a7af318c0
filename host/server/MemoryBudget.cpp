#include "server/MemoryBudget.hpp"

namespace aicore::host {

bool MemoryBudget::Lease::reserve(int64_t total, int64_t limit) {
  if (total <= held_) {
    set(total);
    return true;
  }
  const int64_t more = total - held_;
  int64_t used = b_.used_.load(std::memory_order_relaxed);
  do {
    if (used + more > limit) return false;
  } while (!b_.used_.compare_exchange_weak(used, used + more, std::memory_order_relaxed));
  held_ = total;
  return true;
}

void MemoryBudget::Lease::set(int64_t total) {
  if (total == held_) return;
  b_.used_.fetch_add(total - held_, std::memory_order_relaxed);
  held_ = total;
}

}  // namespace aicore::host

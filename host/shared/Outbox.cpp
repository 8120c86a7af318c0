#include "shared/Outbox.hpp"

#include <algorithm>

namespace aicore::host::shared {

void Outbox::merge(Batch& into, const std::string& url, int64_t until_ms) {
  auto [it, fresh] = into.try_emplace(url, until_ms);
  if (!fresh) it->second = std::max(it->second, until_ms);
}

void Outbox::put(const std::string& url, int64_t until_ms) {
  {
    std::lock_guard lock(mu_);
    merge(pending_, url, until_ms);
    woken_ = true;
  }
  cv_.notify_one();
}

Outbox::Batch Outbox::take() {
  std::lock_guard lock(mu_);
  Batch out;
  out.swap(pending_);
  return out;
}

void Outbox::put_back(const Batch& b) {
  std::lock_guard lock(mu_);
  for (const auto& [url, until] : b) merge(pending_, url, until);
}

bool Outbox::wait(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, d, [this] { return stopped_ || woken_; });
  woken_ = false;
  return !stopped_;
}

void Outbox::stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

}  // namespace aicore::host::shared

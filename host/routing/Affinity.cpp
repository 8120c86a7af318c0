#include "routing/Affinity.hpp"

namespace aicore::host {

std::optional<std::string> Affinity::find(uint64_t key) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  if (it->second->expires <= now_()) {
    lru_.erase(it->second);
    index_.erase(it);
    return std::nullopt;
  }
  return it->second->url;
}

void Affinity::remember(uint64_t key, const std::string& url) {
  std::lock_guard lock(mu_);
  const Clock::time_point expires = now_() + ttl_;
  auto it = index_.find(key);
  if (it != index_.end()) {
    it->second->url = url;
    it->second->expires = expires;
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front(Entry{key, url, expires});
  index_[key] = lru_.begin();
  trim_();
}

void Affinity::configure(size_t max_entries, std::chrono::seconds ttl) {
  std::lock_guard lock(mu_);
  max_ = max_entries;
  ttl_ = ttl;
  trim_();
}

size_t Affinity::size() const {
  std::lock_guard lock(mu_);
  return index_.size();
}

// Drops the least recently used entries beyond the bound, and expired ones found at the old end.
void Affinity::trim_() {
  const Clock::time_point now = now_();
  while (!lru_.empty() && (lru_.size() > max_ || lru_.back().expires <= now)) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

}  // namespace aicore::host

#include "routing/Affinity.hpp"

namespace aicore::host {

std::optional<std::string> Affinity::find(uint64_t key) {
  std::shared_ptr<AffinityPeers> peers;
  std::chrono::seconds ttl{};
  {
    std::lock_guard lock(mu_);
    if (!peers_) return find_local_(key);  // one instance alone: one lock, no I/O
    peers = peers_;
    ttl = ttl_;
  }
  std::string url;
  const auto found = peers->find(key, ttl, url);  // no lock held: it may wait for Redis
  std::lock_guard lock(mu_);
  if (found == AffinityPeers::Found::Yes) {
    put_(key, url, true);
    return url;
  }
  // A Redis that restarted empty forgot what this instance still knows: the local entry serves,
  // and the turn's remember() tells the peers again.
  if (found == AffinityPeers::Found::No)
    if (auto it = index_.find(key); it != index_.end()) it->second->peers_know = false;
  return find_local_(key);
}

std::optional<std::string> Affinity::find_local_(uint64_t key) {
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
  std::shared_ptr<AffinityPeers> peers;
  std::chrono::seconds ttl{};
  bool tell = false;
  {
    std::lock_guard lock(mu_);
    tell = put_(key, url, false);
    peers = peers_;
    ttl = ttl_;
  }
  if (tell && peers) peers->remember(key, url, ttl);
}

bool Affinity::put_(uint64_t key, const std::string& url, bool from_peers) {
  const Clock::time_point expires = now_() + ttl_;
  // Told when it is news: a new conversation, a move, or what the peers were found not to know.
  // A turn that stays where the peers said needs no write (their lookup restarted the TTL).
  const bool known = from_peers || peers_ != nullptr;
  auto it = index_.find(key);
  if (it != index_.end()) {
    Entry& e = *it->second;
    const bool news = !from_peers && !(e.peers_know && e.url == url);
    e.url = url;
    e.expires = expires;
    e.peers_know = known;
    lru_.splice(lru_.begin(), lru_, it->second);
    return news;
  }
  lru_.push_front(Entry{key, url, expires, known});
  index_[key] = lru_.begin();
  trim_();
  return !from_peers;
}

void Affinity::share(std::shared_ptr<AffinityPeers> peers) {
  std::lock_guard lock(mu_);
  peers_ = std::move(peers);
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

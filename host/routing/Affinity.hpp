// Which deployment served a conversation last, so its next turn goes there again. Bedrock keeps a
// prompt cache per deployment: an agent session that resends a 100k-token prefix every turn reads
// it at 0.1x the input price from the deployment that wrote it, and writes it anew at 1.25x
// anywhere else. Round-robin over N subaccounts would turn most reads into writes.
//
// Bounded: at most `max_entries` conversations (the least recently used are forgotten first), each
// forgotten `ttl` after its last turn (the upstream cache has expired by then anyway). The key is
// a hash the caller derives from what the client sends (routing/ConversationKey.hpp).
//
// With peers (several instances sharing a Redis, shared/AffinityStore.hpp), their word comes first:
// a conversation whose turns land on different instances must stay on one deployment, and the
// instance that moved it last knows best. The local entries are then the fallback for while the
// peers cannot be asked.
// THREADS: every member is safe to call concurrently (one mutex, never held while peers are asked).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace aicore::host {

// Where the instances behind one load balancer keep their conversations' deployments.
class AffinityPeers {
 public:
  enum class Found { Yes, No, Unavailable };
  virtual ~AffinityPeers() = default;
  // The conversation's deployment as the peers know it (into `url`), its TTL restarted at `ttl`.
  virtual Found find(uint64_t key, std::chrono::seconds ttl, std::string& url) = 0;
  // The conversation is now on `url`, for `ttl`. Best effort: a failure leaves the peers behind.
  virtual void remember(uint64_t key, const std::string& url, std::chrono::seconds ttl) = 0;
};

class Affinity {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  Affinity(size_t max_entries, std::chrono::seconds ttl, Now now = &Clock::now)
      : max_(max_entries), ttl_(ttl), now_(std::move(now)) {}

  // The deployment URL that last served the conversation, while its entry is alive.
  std::optional<std::string> find(uint64_t key);
  // The conversation's latest turn was served by `url`: it sticks there (and its TTL restarts).
  // Peers are told when that is news to them.
  void remember(uint64_t key, const std::string& url);

  // Shares the conversations with `peers` from now on (nullptr: this instance alone again).
  void share(std::shared_ptr<AffinityPeers> peers);

  // New bounds from a reload; the entries stay (trimmed to the new size).
  void configure(size_t max_entries, std::chrono::seconds ttl);
  size_t size() const;

 private:
  struct Entry {
    uint64_t key;
    std::string url;
    Clock::time_point expires;
    bool peers_know = false;  // the peers were told, or said, this URL
  };
  std::optional<std::string> find_local_(uint64_t key);  // mu_ held
  // Sets the entry (mu_ held); returns whether the peers must be told (news to them).
  bool put_(uint64_t key, const std::string& url, bool from_peers);
  void trim_();

  size_t max_;
  std::chrono::seconds ttl_;
  Now now_;
  mutable std::mutex mu_;
  std::shared_ptr<AffinityPeers> peers_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<uint64_t, std::list<Entry>::iterator> index_;
};

}  // namespace aicore::host

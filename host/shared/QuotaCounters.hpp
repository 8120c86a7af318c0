// Per-key quota usage in Redis, so that a key's limits hold across every instance sharing it.
// One counter per key name and window bucket (QuotaDeltas), all under the key's hash tag:
//   aicore:quota:{<name>}:r:<slot>    requests in 5-second slot <slot> (unix ms / 5000), 90 s TTL
//   aicore:quota:{<name>}:t:<slot>    tokens in that slot, 90 s TTL
//   aicore:quota:{<name>}:d:<day>     tokens of UTC day <day> (days since 1970), 3 days TTL
//   aicore:quota:{<name>}:m:<month>   tokens of UTC month <month> (year * 12 + month - 1), 62 days TTL
// Each instance adds its own usage with INCRBY (settle corrections are further deltas, maybe
// negative) and EXPIRE, every poll, pipelined; it remembers what it added (mine_), so that the
// peers' usage is Redis's total minus its own (an instance never counts itself twice). Key names
// A Redis that restarted empty is told apart from a connection that merely broke by an epoch
// key, aicore:quota:epoch (a random value the first instance sets with NX, no TTL): when it
// changes, what this instance had sent is gone from the totals and is sent again. Key names
// are the operator's labels (config/ClientKey's valid_key_name; a key configured only by digest
// is named "key-" and 8 hex digits, as in logs and metrics): never the key or its full digest.
// Used by the shared-state thread only.
#pragma once

#include <Poco/Redis/Array.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "quota/PeerUsage.hpp"
#include "quota/QuotaBook.hpp"
#include "quota/QuotaDeltas.hpp"
#include "shared/RedisConn.hpp"

namespace aicore::host::shared {

class QuotaCounters {
 public:
  explicit QuotaCounters(std::string prefix = "aicore:quota:") : prefix_(std::move(prefix)) {}

  // Takes the book's new deltas into the pending ones, merged per bucket; those rebuilt from the
  // ledger at start-up count as ours already in Redis (this instance sent them before it restarted).
  void collect(QuotaBook& book, int64_t now_ms);
  // After each new connection: reads the epoch (setting it if Redis has none) and, when it
  // changed, makes everything sent before pending again. Throws on a Redis error.
  void on_connect(RedisConn& c);
  // Sends the pending deltas in one pipeline. Throws on a Redis error; they stay pending then.
  void publish(RedisConn& c, int64_t now_ms);
  // Reads the windows of `names` (the keys with limits) in one pipeline and gives the book each
  // one's peers' usage, trusted until `valid_until_ms`.
  void fetch(RedisConn& c, const std::vector<std::string>& names, QuotaBook& book, int64_t now_ms,
             int64_t valid_until_ms);

  // The pieces of the above, apart from Redis (and for tests).
  std::string redis_key(const std::string& name, const QuotaBucket& b) const;
  std::vector<Poco::Redis::Array> increments() const;  // INCRBY and EXPIRE for each pending bucket
  void sent(int64_t now_ms);                           // the pending deltas are now in Redis's totals
  // The buckets fetch() reads for one key at `now_ms`, in the order peers() takes their totals.
  static std::vector<QuotaBucket> window(int64_t now_ms);
  // Redis's totals of window(now_ms) for `name`, less our own part (never below zero).
  PeerUsage peers(const std::string& name, const std::vector<int64_t>& totals, int64_t now_ms,
                  int64_t valid_until_ms) const;
  void epoch_seen(const std::string& epoch);  // the second half of on_connect()
  const std::unordered_map<std::string, QuotaDeltas>& pending() const { return pending_; }

 private:
  std::string prefix_;
  std::unordered_map<std::string, QuotaDeltas> pending_;  // counted here, not yet in Redis
  std::unordered_map<std::string, QuotaDeltas> mine_;     // what Redis's totals hold of ours
  std::string epoch_;                                     // as last read; empty before the first
};

}  // namespace aicore::host::shared

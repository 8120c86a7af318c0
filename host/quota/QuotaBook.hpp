// Per-key quotas: requests per minute, tokens per minute, tokens per UTC day and per UTC month.
//
// A request is admitted against every limit of its key before the upstream call: it counts one
// request and its estimated input tokens at once (so that parallel requests cannot all slip under
// a limit), and is settled with the tokens it really used when it ends. The minute windows slide
// (the last 60 s: request times exactly, tokens by the second); day and month are calendar periods.
// Counters are kept for every named key, limited or not, so that a limit added by a reload
// applies to what the key has already used; at start-up they are rebuilt from the usage ledger.
//
// With shared_state.redis_url, quotas are global without a Redis round trip on a request: the
// counters here stay exact for this instance's own requests, and each key also holds its peers'
// usage as the shared-state thread last read it (PeerUsage, at most one poll interval plus a round
// trip old). admit() checks own + peers' against the limit, so N instances can together overshoot
// a limit by at most what they admit within one poll interval. What this instance counts is also
// kept as deltas per window bucket (QuotaDeltas) for the shared-state thread to take and send.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/ClientKey.hpp"
#include "quota/PeerUsage.hpp"
#include "quota/QuotaDeltas.hpp"

namespace aicore::host {

struct QuotaVerdict {
  bool ok = true;
  std::string limit;        // the limit refused: "requests_per_minute", "tokens_per_minute", ...
  int64_t limit_value = 0;  // its configured value
  int retry_after_s = 0;    // when the request could pass (whole seconds, at least 1)
  std::string message;      // for the client: the key's own name, the limit, when to retry
};

// What admit() charged, for settle().
struct QuotaCharge {
  bool active = false;
  int64_t estimate = 0;
  int64_t at_ms = 0;
};

class QuotaBook {
 public:
  // Checks `limits` for `key` at `now_ms` (Unix ms); when every limit has room, counts the request
  // and `estimate` tokens and returns ok with `charge` set.
  QuotaVerdict admit(const std::string& key, const KeyLimits& limits, int64_t estimate, int64_t now_ms,
                     QuotaCharge& charge);
  // Replaces the charge's estimate with the tokens used (input + output).
  void settle(const std::string& key, const QuotaCharge& charge, int64_t used, int64_t now_ms);
  // One past request, from the ledger at start-up.
  void restore(const std::string& key, int64_t time_ms, int64_t tokens, int64_t now_ms);

  // What `key` has used in each window now (tests and the dashboard): `all` is what admit()
  // checks against (this instance's exact counts plus its peers' as last read), `peers` the
  // peers' part (zero when not sharing, or their numbers expired).
  struct Used {
    int64_t requests_minute = 0, tokens_minute = 0, tokens_day = 0, tokens_month = 0;
  };
  struct Usage {
    Used all, peers;
    bool peers_known = false;
  };
  Usage used(const std::string& key, int64_t now_ms);

  // Sharing (the shared-state thread). While on, admit() and settle() also count deltas (off:
  // nobody would take them).
  void share(bool on = true) { sharing_ = on; }
  struct Taken {
    std::string key;
    QuotaDeltas fresh;     // counted here since the last take: to send
    QuotaDeltas restored;  // rebuilt from the ledger at start-up: sent before this start already
  };
  // Every key's deltas since the last call (buckets out of their windows left out); keys with none
  // are not listed.
  std::vector<Taken> take_deltas(int64_t now_ms);
  // What the peers used of `key`, replacing what was known.
  void set_peers(const std::string& key, const PeerUsage& peers);

 private:
  struct Counters {
    std::mutex m;
    std::deque<int64_t> request_times;        // admitted in the last 60 s (ms), oldest first
    std::array<int64_t, 60> second_tokens{};  // tokens by second, slot = second % 60
    std::array<int64_t, 60> second_of{};      // which second each slot holds
    int64_t day = -1, day_tokens = 0;         // day: days since the epoch (UTC)
    int64_t month = -1, month_tokens = 0;     // month: year * 12 + month (UTC)
    QuotaDeltas unsent, restored;             // for take_deltas()
    PeerUsage peers;
  };
  Counters& of(const std::string& key);
  static void roll(Counters& c, int64_t now_ms);
  static int64_t minute_tokens(const Counters& c, int64_t now_s);
  static void add_tokens(Counters& c, int64_t at_ms, int64_t tokens, int64_t now_ms);
  static QuotaVerdict check_requests(const std::string& key, const Counters& c, int64_t limit, int64_t now_ms);
  static QuotaVerdict check_tokens_minute(const std::string& key, const Counters& c, int64_t limit, int64_t estimate,
                                          int64_t now_ms);

  std::shared_mutex m_;  // the map; each key's counters have their own lock
  std::unordered_map<std::string, std::unique_ptr<Counters>> keys_;
  std::atomic<bool> sharing_{false};
};

// The UTC calendar arithmetic the windows use: day number, month number (year * 12 + month - 1),
// and the Unix ms where the next day and month begin.
int64_t utc_day(int64_t unix_ms);
int64_t utc_month(int64_t unix_ms);
int64_t utc_day_start_ms(int64_t unix_ms);
int64_t next_utc_day_ms(int64_t unix_ms);
int64_t next_utc_month_ms(int64_t unix_ms);
int64_t utc_month_start_ms(int64_t unix_ms);

}  // namespace aicore::host

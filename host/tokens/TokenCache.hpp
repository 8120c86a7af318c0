// Upstream OAuth tokens, one per credential (token request): served until their real expiry,
// refreshed ahead of it by one caller while the others keep using the current token, fetched by
// one caller while the others wait when there is none (single-flight), invalidated on an upstream
// 401. A failed fetch is remembered with a growing back-off, so an outage of the token endpoint
// costs it a handful of calls, not one per request.
//
// The cache outlives a configuration: on SIGHUP the new runtime takes it over, and a subaccount
// whose token request is unchanged (same URL, client id, secret) keeps its token.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace aicore::host {

struct FetchedToken {
  std::string access_token;
  int64_t expires_in_s = 0;  // <= 0: unknown
};

// Thrown when the token endpoint fails; the message names the subaccount, never a secret.
struct TokenError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class TokenCache {
 public:
  using Clock = std::chrono::steady_clock;
  using Fetcher = std::function<FetchedToken()>;  // throws (TokenError or anything else)
  using Now = std::function<Clock::time_point()>;

  explicit TokenCache(Now now = &Clock::now) : now_(std::move(now)) {}

  // A valid token for the credential `key`. Fetches with `fetch` when there is none, or when it
  // is due for refresh and nobody else is refreshing it. Throws TokenError when there is no valid
  // token and the fetch fails (or failed less than the back-off ago: then without calling it).
  std::string get(const std::string& key, const Fetcher& fetch);

  // Drops `token` if it is still the cached one (an upstream said 401), so the next get() fetches.
  void invalidate(const std::string& key, const std::string& token);

  // Forgets every credential not in `keys` (a reload removed or changed them).
  void retain(const std::vector<std::string>& keys);

  // What the cache holds for `key` now, for the dashboard.
  struct Status {
    bool has_token = false;
    Clock::duration expires_in{};  // while has_token
    bool failing = false;          // the last fetch failed
    std::string last_error;        // of that fetch (names the subaccount, never a secret)
  };
  Status status(const std::string& key) const;

  // Callers blocked in get() waiting for another caller's fetch of `key` (tests, diagnostics).
  size_t waiting(const std::string& key) const;

  static constexpr std::chrono::seconds kRefreshMargin{300};
  static constexpr std::chrono::seconds kDefaultLifetime{14400};  // when the endpoint gives none
  // After the n-th consecutive failed fetch, no new fetch for min(kFirstBackoff * 2^(n-1), kMaxBackoff).
  static constexpr std::chrono::seconds kFirstBackoff{1};
  static constexpr std::chrono::seconds kMaxBackoff{30};

 private:
  struct Entry {
    std::string token;
    Clock::time_point refresh_at{};  // due for refresh from here on
    Clock::time_point expires_at{};  // unusable from here on
    bool fetching = false;
    uint64_t generation = 0;       // bumped when a fetch ends
    int failures = 0;              // consecutive failed fetches
    Clock::time_point retry_at{};  // no fetch before this after a failure
    bool last_failed = false;      // whether the fetch that ended last failed
    std::string last_error;
    size_t waiting = 0;
    std::condition_variable cv;
  };
  std::shared_ptr<Entry> entry_(const std::string& key);
  static Clock::duration backoff_(int failures);

  Now now_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

}  // namespace aicore::host

// Upstream OAuth tokens, one per subaccount: cached until 5 minutes before expiry, fetched by one
// caller while the others wait (single-flight), invalidated on an upstream 401.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

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
  using Fetcher = std::function<FetchedToken(const std::string& subaccount)>;  // throws TokenError
  using Now = std::function<Clock::time_point()>;

  explicit TokenCache(Fetcher fetch, Now now = &Clock::now) : fetch_(std::move(fetch)), now_(std::move(now)) {}

  // A valid token for the subaccount; fetches when absent or near expiry. Throws TokenError.
  std::string get(const std::string& subaccount);

  // Drops `token` if it is still the cached one (an upstream said 401), so the next get() fetches.
  void invalidate(const std::string& subaccount, const std::string& token);

  static constexpr std::chrono::seconds kRefreshMargin{300};
  static constexpr std::chrono::seconds kDefaultLifetime{14400};  // when the endpoint gives none

 private:
  struct Entry {
    std::string token;
    Clock::time_point refresh_at{};
    bool fetching = false;
    uint64_t generation = 0;       // bumped when a fetch ends
    bool last_failed = false;      // whether the fetch that ended last failed
    std::string last_error;
    std::condition_variable cv;
  };
  Entry& entry_(const std::string& subaccount);

  Fetcher fetch_;
  Now now_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;
};

}  // namespace aicore::host

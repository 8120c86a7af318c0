#pragma once
// OAuth access tokens issued by /oauth/token, and how many each client fetched.
#include "json.hpp"

#include <chrono>
#include <map>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace aicore::emulator {

struct IssuedToken {
  std::string accessToken;
  std::string jti;
};

class TokenStore {
 public:
  enum class Check { Valid, Unknown, Expired };

  IssuedToken issue(const std::string& clientId, int ttlSeconds);
  // On Valid, *clientId receives the owner of the token.
  Check check(const std::string& token, std::string* clientId) const;
  // Forget every issued token: the next /v2 call gets 401, as after an upstream key rotation.
  size_t revokeAll();

  Json fetchCounts() const;  // {"<clientid>": N}
  void resetCounts();

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    std::string clientId;
    Clock::time_point expiry;
  };
  void sweepExpiredLocked(Clock::time_point now);

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> tokens_;
  std::map<std::string, long long> fetches_;  // sorted so stats output is stable
  size_t issuedSinceSweep_ = 0;
};

}  // namespace aicore::emulator

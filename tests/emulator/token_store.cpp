#include "token_store.hpp"

#include "base64.hpp"
#include "ids.hpp"

#include <mutex>

namespace aicore::emulator {

// Tokens look like XSUAA JWTs (header.payload.signature, base64url) because some clients decode
// the payload to read "exp"; the signature is random bytes, and only this store can validate it.
static std::string makeJwt(const std::string& clientId, const std::string& jti, int ttlSeconds) {
  const long long now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  Json header = {{"alg", "RS256"},
                 {"jku", "https://emulator.authentication.local/token_keys"},
                 {"kid", "default-jwt-key-emulator"},
                 {"typ", "JWT"}};
  Json payload = {{"jti", jti},
                  {"ext_attr", {{"enhancer", "XSUAA"}, {"zdn", "emulator"}}},
                  {"sub", "sb-" + clientId},
                  {"authorities", {"uaa.resource"}},
                  {"scope", {"uaa.resource"}},
                  {"client_id", clientId},
                  {"cid", clientId},
                  {"azp", clientId},
                  {"grant_type", "client_credentials"},
                  {"iat", now},
                  {"exp", now + ttlSeconds},
                  {"iss", "https://emulator.authentication.local/oauth/token"},
                  {"zid", "emulator-zone"},
                  {"aud", {"uaa", "sb-" + clientId}}};
  return base64Encode(dump(header), true, false) + "." + base64Encode(dump(payload), true, false) + "." +
         base64Encode(randomBytes(32), true, false);
}

IssuedToken TokenStore::issue(const std::string& clientId, int ttlSeconds) {
  IssuedToken t;
  t.jti = randomHex(32);
  t.accessToken = makeJwt(clientId, t.jti, ttlSeconds);
  const auto now = Clock::now();
  std::unique_lock lock(mu_);
  tokens_[t.accessToken] = Entry{clientId, now + std::chrono::seconds(ttlSeconds)};
  ++fetches_[clientId];
  // Sweep occasionally so long benchmark runs with short TTLs do not grow the map forever.
  if (++issuedSinceSweep_ >= 1024) sweepExpiredLocked(now);
  return t;
}

void TokenStore::sweepExpiredLocked(Clock::time_point now) {
  issuedSinceSweep_ = 0;
  for (auto it = tokens_.begin(); it != tokens_.end();)
    it = it->second.expiry <= now ? tokens_.erase(it) : std::next(it);
}

TokenStore::Check TokenStore::check(const std::string& token, std::string* clientId) const {
  std::shared_lock lock(mu_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return Check::Unknown;
  if (it->second.expiry <= Clock::now()) return Check::Expired;
  if (clientId) *clientId = it->second.clientId;
  return Check::Valid;
}

size_t TokenStore::revokeAll() {
  std::unique_lock lock(mu_);
  size_t n = tokens_.size();
  tokens_.clear();
  return n;
}

Json TokenStore::fetchCounts() const {
  std::shared_lock lock(mu_);
  Json out = Json::object();
  for (const auto& [id, n] : fetches_) out[id] = n;
  return out;
}

void TokenStore::resetCounts() {
  std::unique_lock lock(mu_);
  fetches_.clear();
}

}  // namespace aicore::emulator

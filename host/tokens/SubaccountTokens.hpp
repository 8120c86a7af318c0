// One runtime's view of the shared token cache: which credential (cache key) each subaccount
// uses and how its token is fetched. Requests ask by subaccount name; two subaccounts with the
// same token request, or one whose request a reload did not change, share one cache entry.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tokens/TokenCache.hpp"

namespace aicore::host {

class SubaccountTokens {
 public:
  struct Source {
    std::string key;  // identifies the credential; never logged (it holds the secret)
    TokenCache::Fetcher fetch;
  };

  SubaccountTokens(std::shared_ptr<TokenCache> cache, std::map<std::string, Source> sources)
      : cache_(std::move(cache)), sources_(std::move(sources)) {}

  // A valid token for the subaccount. Throws TokenError.
  std::string get(const std::string& subaccount) const;
  // Drops `token` if it is still the subaccount's cached one (an upstream said 401).
  void invalidate(const std::string& subaccount, const std::string& token) const;

  // The subaccount's token as the cache holds it (an unknown subaccount: no token).
  TokenCache::Status status(const std::string& subaccount) const;

  const std::shared_ptr<TokenCache>& cache() const { return cache_; }
  std::vector<std::string> keys() const;

 private:
  std::shared_ptr<TokenCache> cache_;
  std::map<std::string, Source> sources_;
};

}  // namespace aicore::host

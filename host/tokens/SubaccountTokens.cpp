#include "tokens/SubaccountTokens.hpp"

namespace aicore::host {

std::string SubaccountTokens::get(const std::string& subaccount) const {
  auto it = sources_.find(subaccount);
  if (it == sources_.end()) throw TokenError("unknown subaccount " + subaccount);
  return cache_->get(it->second.key, it->second.fetch);
}

void SubaccountTokens::invalidate(const std::string& subaccount, const std::string& token) const {
  if (auto it = sources_.find(subaccount); it != sources_.end()) cache_->invalidate(it->second.key, token);
}

TokenCache::Status SubaccountTokens::status(const std::string& subaccount) const {
  auto it = sources_.find(subaccount);
  return it == sources_.end() ? TokenCache::Status{} : cache_->status(it->second.key);
}

std::vector<std::string> SubaccountTokens::keys() const {
  std::vector<std::string> out;
  for (const auto& [name, s] : sources_) out.push_back(s.key);
  return out;
}

}  // namespace aicore::host

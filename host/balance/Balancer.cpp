#include "balance/Balancer.hpp"

#include <algorithm>

namespace aicore::host {

void Balancer::add(const std::string& model, size_t subaccount, std::vector<std::string> urls) {
  State& s = pools_[model];
  s.pool.subaccounts.push_back(subaccount);
  s.pool.urls.push_back(std::move(urls));
  s.next_url.push_back(std::make_unique<std::atomic<uint64_t>>(0));
}

std::vector<Target> Balancer::candidates(const std::string& model) const {
  auto it = pools_.find(model);
  if (it == pools_.end()) return {};
  const State& s = it->second;
  const size_t n = s.pool.subaccounts.size();
  const size_t first_sub = s.next_sub->fetch_add(1, std::memory_order_relaxed) % n;

  // Each subaccount's URLs, rotated by that subaccount's own counter. Only the subaccount that
  // serves this request advances its counter, so each one spreads its own traffic evenly.
  std::vector<std::vector<const std::string*>> rotated(n);
  size_t longest = 0;
  for (size_t k = 0; k < n; ++k) {
    const size_t i = (first_sub + k) % n;
    const auto& urls = s.pool.urls[i];
    const uint64_t r = k == 0 ? s.next_url[i]->fetch_add(1, std::memory_order_relaxed)
                              : s.next_url[i]->load(std::memory_order_relaxed);
    for (size_t j = 0; j < urls.size(); ++j) rotated[k].push_back(&urls[(r + j) % urls.size()]);
    longest = std::max(longest, urls.size());
  }
  // Interleave: first deployment of every subaccount, then the second of each, ...
  std::vector<Target> out;
  for (size_t j = 0; j < longest; ++j)
    for (size_t k = 0; k < n; ++k)
      if (j < rotated[k].size()) out.push_back(Target{s.pool.subaccounts[(first_sub + k) % n], *rotated[k][j]});
  return out;
}

}  // namespace aicore::host

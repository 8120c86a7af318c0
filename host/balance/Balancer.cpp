#include "balance/Balancer.hpp"

#include <algorithm>
#include <numeric>

namespace aicore::host {

void Balancer::add(const std::string& model, size_t subaccount, std::vector<std::string> urls, int weight,
                   int priority) {
  auto& tiers = pools_[model];
  auto it = std::find_if(tiers.begin(), tiers.end(), [&](const Tier& t) { return t.priority >= priority; });
  if (it == tiers.end() || it->priority != priority) {
    it = tiers.insert(it, Tier{});
    it->priority = priority;
  }
  it->members.push_back(Member{subaccount, std::move(urls), std::max(1, weight)});
  reschedule_(*it);
}

// nginx's smooth weighted round-robin, run once: weights 5,1,1 give a a b a c a a rather than
// a a a a a b c, so a heavy subaccount's share is spread over the cycle.
void Balancer::reschedule_(Tier& t) {
  const int total =
      std::accumulate(t.members.begin(), t.members.end(), 0, [](int sum, const Member& m) { return sum + m.weight; });
  std::vector<int> current(t.members.size(), 0);
  t.schedule.clear();
  for (int n = 0; n < total; ++n) {
    size_t best = 0;
    for (size_t i = 0; i < t.members.size(); ++i) {
      current[i] += t.members[i].weight;
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    t.schedule.push_back(best);
  }
}

// One tier's candidates: the scheduled subaccount first, then the others in order; each
// subaccount's URLs rotated by its own counter, interleaved (first deployment of every subaccount,
// then the second of each, ...).
void Balancer::append_(const Tier& t, bool advance, std::vector<Target>& out) {
  const size_t n = t.members.size();
  const uint64_t turn =
      advance ? t.next->fetch_add(1, std::memory_order_relaxed) : t.next->load(std::memory_order_relaxed);
  const size_t first = t.schedule[turn % t.schedule.size()];
  std::vector<std::vector<const std::string*>> rotated(n);
  size_t longest = 0;
  for (size_t k = 0; k < n; ++k) {
    const Member& m = t.members[(first + k) % n];
    // Only the subaccount that serves this request advances its counter, so each one spreads its
    // own traffic evenly.
    const uint64_t r = k == 0 && advance ? m.next_url->fetch_add(1, std::memory_order_relaxed)
                                         : m.next_url->load(std::memory_order_relaxed);
    for (size_t j = 0; j < m.urls.size(); ++j) rotated[k].push_back(&m.urls[(r + j) % m.urls.size()]);
    longest = std::max(longest, m.urls.size());
  }
  for (size_t j = 0; j < longest; ++j)
    for (size_t k = 0; k < n; ++k)
      if (j < rotated[k].size()) out.push_back(Target{t.members[(first + k) % n].subaccount, *rotated[k][j]});
}

std::vector<Target> Balancer::candidates(const std::string& model, bool advance) const {
  auto it = pools_.find(model);
  if (it == pools_.end()) return {};
  std::vector<Target> out;
  for (const Tier& t : it->second) append_(t, advance, out);
  return out;
}

}  // namespace aicore::host

// Weighted round-robin over the subaccounts that deploy a model, then over that subaccount's
// deployment URLs. Returns every candidate in failover order, so a retry moves to the next
// subaccount first (rate limits are per subaccount and model) and never back to one already tried.
// Subaccounts are grouped by priority: every candidate of priority 0 comes before any of priority 1,
// so a spill-over subaccount is only tried when the ones before it failed or are cooling.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace aicore::host {

struct Target {
  size_t subaccount = 0;  // index into Config::subaccounts
  std::string url;        // deployment URL
};

class Balancer {
 public:
  // `weight`: share of the first attempts among the subaccounts of the same priority.
  void add(const std::string& model, size_t subaccount, std::vector<std::string> urls, int weight = 1,
           int priority = 0);

  // Candidates for one request, best first; empty for an unknown model. Thread-safe. `advance`
  // false leaves the round-robin where it is: a request that goes where its conversation went
  // before (routing/Affinity.hpp) must not take a new conversation's turn.
  std::vector<Target> candidates(const std::string& model, bool advance = true) const;

  bool has(const std::string& model) const { return pools_.count(model) != 0; }

 private:
  struct Member {
    size_t subaccount;
    std::vector<std::string> urls;
    int weight;
    std::unique_ptr<std::atomic<uint64_t>> next_url = std::make_unique<std::atomic<uint64_t>>(0);
  };
  // The subaccounts of one priority, and which of them goes first, request by request.
  struct Tier {
    int priority = 0;
    std::vector<Member> members;
    std::vector<size_t> schedule;  // member indices, each as often as its weight, smoothly interleaved
    std::unique_ptr<std::atomic<uint64_t>> next = std::make_unique<std::atomic<uint64_t>>(0);
  };
  static void reschedule_(Tier& t);
  static void append_(const Tier& t, bool advance, std::vector<Target>& out);

  std::map<std::string, std::vector<Tier>> pools_;  // filled at start-up, read-only afterwards
};

}  // namespace aicore::host

// Round-robin over the subaccounts that deploy a model, then over that subaccount's deployment
// URLs. Returns every candidate in failover order, so a retry moves to the next subaccount first
// (rate limits are per subaccount and model) and never back to one already tried.
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
  // For one model: the deployments of each subaccount that serves it.
  struct Pool {
    std::vector<size_t> subaccounts;
    std::vector<std::vector<std::string>> urls;  // urls[i] belongs to subaccounts[i]
  };

  void add(const std::string& model, size_t subaccount, std::vector<std::string> urls);

  // Candidates for one request, best first; empty for an unknown model. Thread-safe.
  std::vector<Target> candidates(const std::string& model) const;

  bool has(const std::string& model) const { return pools_.count(model) != 0; }

 private:
  struct State {
    Pool pool;
    std::unique_ptr<std::atomic<uint64_t>> next_sub = std::make_unique<std::atomic<uint64_t>>(0);
    std::vector<std::unique_ptr<std::atomic<uint64_t>>> next_url;  // per subaccount
  };
  std::map<std::string, State> pools_;  // filled at start-up, read-only afterwards
};

}  // namespace aicore::host

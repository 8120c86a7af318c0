// One half-open probe at a time across the instances: when a shared cooldown ends, every
// instance's Cooldowns is half-open at once, and the one that wins
// SET aicore:probe:<deployment URL> <instance id> NX PX <hold> probes while the others keep
// avoiding the deployment (they ask again every Cooldowns::kProbeLostPause). The verdict releases
// the claim: a success deletes it; a failure keeps it for the new cooldown, so no peer probes
// before the cooldown has reached it. Both only if the claim is still this instance's (a small
// EVAL). A prober that dies holds the claim at most `hold`.
//
// Asked on the request path, but only by a request that would probe (a deployment's cooldown has
// just ended), never on the common path; bounded like every lookup (RedisPool.hpp). Redis away:
// Unavailable, and each instance probes on its own as without sharing.
// THREADS: safe to call from every request thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "balance/Cooldowns.hpp"
#include "shared/RedisPool.hpp"

namespace aicore::host::shared {

class ProbeStore : public ProbePeers {
 public:
  ProbeStore(std::shared_ptr<RedisPool> pool, std::chrono::milliseconds hold);

  Claim claim(const std::string& url) override;
  void release(const std::string& url, std::chrono::milliseconds keep) override;

  static std::string redis_key(const std::string& url) { return "aicore:probe:" + url; }

 private:
  std::shared_ptr<RedisPool> pool_;
  const std::chrono::milliseconds hold_;
  const std::string id_;  // this instance, random: whose claim it is
};

}  // namespace aicore::host::shared

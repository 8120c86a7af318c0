// Cooldowns in Redis: one sorted set, aicore:cooldowns, member = deployment URL, score = the
// wall-clock millisecond its cooldown ends. Why a sorted set read every poll rather than keys
// with PX, or PUBLISH: ZADD GT keeps the latest end per deployment in one atomic command (two
// instances cooling at once cannot shorten each other); one ZRANGEBYSCORE returns exactly the
// cooldowns still running, without SCAN over a keyspace shared with others; and a reader that
// was away (Redis restarted, this instance reconnecting) catches up by reading, which Pub/Sub
// would not give. Plain commands only (Redis >= 6.2 for GT), so a managed Redis accepts them.
// Used by the shared-state thread only.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "shared/Outbox.hpp"
#include "shared/RedisConn.hpp"

namespace aicore::host::shared {

class CooldownSet {
 public:
  explicit CooldownSet(std::string key = "aicore:cooldowns") : key_(std::move(key)) {}

  // Sends `batch`, plus (after a reconnect: `fresh`) every cooldown of ours still running, so a
  // Redis that restarted empty learns them again. Throws on a Redis error (the caller puts the
  // batch back).
  void publish(RedisConn& c, const Outbox::Batch& batch, bool fresh, int64_t now_ms);
  // The cooldowns still running that peers published (ours, read back, are left out).
  std::vector<std::pair<std::string, int64_t>> fetch(RedisConn& c, int64_t now_ms);

 private:
  std::string key_;
  Outbox::Batch mine_;  // what this instance sent last, per URL
};

}  // namespace aicore::host::shared

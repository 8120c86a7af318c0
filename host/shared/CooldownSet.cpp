#include "shared/CooldownSet.hpp"

#include <Poco/Redis/Array.h>

#include <algorithm>
#include <cstdlib>

namespace aicore::host::shared {
namespace {
// Ended cooldowns are removed this long after their end, not at once: an instance whose clock
// runs ahead must not delete what a peer still counts on.
constexpr int64_t kSweepAfterMs = 60000;
}  // namespace

void CooldownSet::publish(RedisConn& c, const Outbox::Batch& batch, bool fresh, int64_t now_ms) {
  Outbox::Batch send = batch;
  if (fresh)
    for (const auto& [url, until] : mine_)
      if (until > now_ms) Outbox::merge(send, url, until);
  std::erase_if(mine_, [&](const auto& kv) { return kv.second <= now_ms; });
  if (send.empty()) return;
  Poco::Redis::Array zadd;
  zadd << "ZADD" << key_ << "GT";  // only ever later: a peer's longer cooldown stays
  for (const auto& [url, until] : send) zadd << std::to_string(until) << url;
  c.execute<Poco::Int64>(zadd);
  Poco::Redis::Array sweep;
  sweep << "ZREMRANGEBYSCORE" << key_ << "-inf"
        << "(" + std::to_string(now_ms - kSweepAfterMs);
  c.execute<Poco::Int64>(sweep);
  for (const auto& [url, until] : send) mine_[url] = until;
}

std::vector<std::pair<std::string, int64_t>> CooldownSet::fetch(RedisConn& c, int64_t now_ms) {
  Poco::Redis::Array range;
  range << "ZRANGEBYSCORE" << key_ << "(" + std::to_string(now_ms) << "+inf"
        << "WITHSCORES";
  const auto reply = c.execute<Poco::Redis::Array>(range);
  std::vector<std::pair<std::string, int64_t>> out;
  // Poco reads an empty reply as a null Array, whose size() throws: nothing is cooling.
  if (reply.isNull()) return out;
  for (size_t i = 0; i + 1 < reply.size(); i += 2) {
    const auto url = reply.get<Poco::Redis::BulkString>(i);
    const auto score = reply.get<Poco::Redis::BulkString>(i + 1);
    if (url.isNull() || score.isNull()) continue;
    // Scores are doubles on the wire; milliseconds since 1970 fit one exactly.
    const auto until = static_cast<int64_t>(std::strtod(score.value().c_str(), nullptr));
    const auto it = mine_.find(url.value());
    if (it != mine_.end() && it->second >= until) continue;  // our own, or older than ours
    out.emplace_back(url.value(), until);
  }
  return out;
}

}  // namespace aicore::host::shared

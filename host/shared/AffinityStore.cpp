#include "shared/AffinityStore.hpp"

#include <Poco/Redis/Array.h>
#include <Poco/Redis/Type.h>
#include <spdlog/spdlog.h>

#include "log/Log.hpp"
#include "shared/RedisConn.hpp"

namespace aicore::host::shared {
namespace {
using Clock = TrackedEntries::Clock;
std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()); }
}  // namespace

AffinityStore::AffinityStore(std::shared_ptr<RedisPool> pool, std::optional<RedisUrl> reader_url,
                             std::chrono::milliseconds reader_timeout, size_t max_entries)
    : pool_(std::move(pool)), writer_(pool_), entries_(max_entries) {
  if (reader_url) reader_ = std::make_unique<InvalidationReader>(std::move(*reader_url), reader_timeout, entries_);
}

AffinityPeers::Found AffinityStore::find(uint64_t key, std::chrono::seconds ttl, std::string& url) {
  if (auto queued = writer_.pending(key)) {  // this instance moved it a moment ago
    url = std::move(*queued);
    return Found::Yes;
  }
  if (reader_ && !refused_.load(std::memory_order_relaxed)) {
    const auto look = entries_.find(key, Clock::now(), url);
    if (look == TrackedEntries::Look::Hit) return Found::Yes;  // no round trip
    if (const auto s = reader_->session()) return tracked_(key, ttl, url, *s, look == TrackedEntries::Look::Refresh);
  }
  return getex_(key, ttl, url);
}

AffinityPeers::Found AffinityStore::getex_(uint64_t key, std::chrono::seconds ttl, std::string& url) {
  Found found = Found::Unavailable;
  pool_->run([&](RedisConn& c) {
    Poco::Redis::Array getex;
    getex << "GETEX" << redis_key(key) << "PX" << ms(ttl);  // Redis >= 6.2, like ZADD GT
    const auto reply = c.execute<Poco::Redis::BulkString>(getex);
    url = reply.isNull() ? std::string() : reply.value();
    found = url.empty() ? Found::No : Found::Yes;
  });
  return found;
}

// Tracking on `c`, redirected to the reader's connection of session `s` (once per connection
// and reader). false: Redis refuses it (a proxy or a managed Redis without CLIENT TRACKING).
bool AffinityStore::track_(RedisConn& c, const InvalidationReader::Session& s) {
  if (c.tag == s.epoch) return true;
  Poco::Redis::Array off, on;
  off << "CLIENT"
      << "TRACKING"
      << "off";
  on << "CLIENT"
     << "TRACKING"
     << "on"
     << "REDIRECT" << std::to_string(s.client_id);
  const auto replies = c.sendCommands({off, on});
  const auto reply = RedisConn::at(replies, 1);
  if (reply->type() == Poco::Redis::RedisTypeTraits<Poco::Redis::Error>::TypeId) {
    if (!refused_.exchange(true))
      spdlog::warn("shared state: Redis refused CLIENT TRACKING ({}): every turn of a conversation asks Redis",
                   redact(reply->toString()));
    return false;
  }
  c.tag = s.epoch;
  return true;
}

AffinityPeers::Found AffinityStore::tracked_(uint64_t key, std::chrono::seconds ttl, std::string& url,
                                             const InvalidationReader::Session& s, bool refresh) {
  Found found = Found::Unavailable;
  uint64_t token = 0;
  const auto half = std::chrono::milliseconds(ttl) / 2;
  pool_->run([&](RedisConn& c) {
    if (!track_(c, s)) {
      found = Found::Unavailable;  // decided below, without the cache
      return;
    }
    // Marked pending before the read: an invalidation that overtakes the reply cancels it.
    token = entries_.begin(key, s.epoch);
    const std::string k = redis_key(key);
    std::vector<Poco::Redis::Array> cmds(refresh ? 3 : 2);
    size_t i = 0;
    if (refresh) cmds[i++] << "PEXPIRE" << k << ms(std::chrono::milliseconds(ttl));  // tells every cache
    cmds[i++] << "GET" << k;  // read-only, so Redis tracks it (GETEX, a write, would not be)
    cmds[i] << "PTTL" << k;
    const auto replies = c.sendCommands(cmds);
    const auto value = RedisConn::as<Poco::Redis::BulkString>(RedisConn::at(replies, i - 1));
    const auto pttl = RedisConn::as<Poco::Int64>(RedisConn::at(replies, i));
    url = value.isNull() ? std::string() : value.value();
    found = url.empty() ? Found::No : Found::Yes;
    // Asked again once Redis's copy is past half its TTL (-1, no TTL: at half the configured one).
    const auto left = pttl >= 0 ? std::chrono::milliseconds(pttl) : std::chrono::milliseconds(ttl);
    entries_.end(key, token, url, Clock::now() + (left > half ? left - half : std::chrono::milliseconds(0)));
    token = 0;
  });
  entries_.end(key, token, "", {});  // a failed read keeps nothing (no-op once ended)
  if (refused_.load(std::memory_order_relaxed) && found == Found::Unavailable) return getex_(key, ttl, url);
  return found;
}

void AffinityStore::remember(uint64_t key, const std::string& url, std::chrono::seconds ttl) {
  // Dropped here at once; Redis's invalidation will also reach every other instance.
  entries_.invalidate(key);
  writer_.put(key, redis_key(key), url, std::chrono::milliseconds(ttl));
}

}  // namespace aicore::host::shared

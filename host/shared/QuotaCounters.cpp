#include "shared/QuotaCounters.hpp"

#include <Poco/Redis/Error.h>
#include <Poco/Redis/Exception.h>
#include <Poco/Redis/Type.h>

#include <algorithm>
#include <cstdlib>
#include <random>

namespace aicore::host::shared {
namespace {

// How long a counter outlives its last increment: past its window, with room for clock skew.
const char* ttl_seconds(QuotaBucket::Kind k) {
  switch (k) {
    case QuotaBucket::Day: return "259200";
    case QuotaBucket::Month: return "5356800";
    default: return "90";  // a slot leaves the minute 65 s after it began
  }
}

int64_t total_at(const Poco::Redis::Array& reply, size_t i) {
  const auto v = reply.get<Poco::Redis::BulkString>(i);
  return v.isNull() ? 0 : std::strtoll(v.value().c_str(), nullptr, 10);
}

}  // namespace

std::string QuotaCounters::redis_key(const std::string& name, const QuotaBucket& b) const {
  return prefix_ + "{" + name + "}:" + static_cast<char>(b.kind) + ":" + std::to_string(b.period);
}

void QuotaCounters::collect(QuotaBook& book, int64_t now_ms) {
  for (auto& t : book.take_deltas(now_ms)) {
    if (!t.fresh.empty()) merge(pending_[t.key], t.fresh);
    if (!t.restored.empty()) merge(mine_[t.key], t.restored);
  }
  // What Redis was away for too long to matter any more is not sent late.
  for (auto it = pending_.begin(); it != pending_.end();) {
    prune(it->second, now_ms);
    it = it->second.empty() ? pending_.erase(it) : std::next(it);
  }
}

std::vector<Poco::Redis::Array> QuotaCounters::increments() const {
  std::vector<Poco::Redis::Array> cmds;
  for (const auto& [name, deltas] : pending_)
    for (const auto& [bucket, n] : deltas) {
      const std::string key = redis_key(name, bucket);
      Poco::Redis::Array incr;
      incr << "INCRBY" << key << std::to_string(n);
      Poco::Redis::Array expire;
      expire << "EXPIRE" << key << ttl_seconds(bucket.kind);
      cmds.push_back(std::move(incr));
      cmds.push_back(std::move(expire));
    }
  return cmds;
}

void QuotaCounters::sent(int64_t now_ms) {
  for (const auto& [name, deltas] : pending_) merge(mine_[name], deltas);
  pending_.clear();
  for (auto it = mine_.begin(); it != mine_.end();) {
    prune(it->second, now_ms);
    it = it->second.empty() ? mine_.erase(it) : std::next(it);
  }
}

void QuotaCounters::on_connect(RedisConn& c) {
  std::random_device rd;
  const std::string mine = std::to_string(rd()) + "-" + std::to_string(rd());
  Poco::Redis::Array set;
  set << "SET" << prefix_ + "epoch" << mine << "NX";
  Poco::Redis::Array get;
  get << "GET" << prefix_ + "epoch";
  const Poco::Redis::Array replies = c.sendCommands({set, get});
  const auto epoch = replies.get<Poco::Redis::BulkString>(1);
  if (!epoch.isNull()) epoch_seen(epoch.value());
}

void QuotaCounters::epoch_seen(const std::string& epoch) {
  if (!epoch_.empty() && epoch != epoch_) {
    for (const auto& [name, deltas] : mine_) merge(pending_[name], deltas);
    mine_.clear();
  }
  epoch_ = epoch;
}

void QuotaCounters::publish(RedisConn& c, int64_t now_ms) {
  if (pending_.empty()) return;
  const Poco::Redis::Array replies = c.sendCommands(increments());
  for (size_t i = 0; i < replies.size(); ++i)
    if (replies.getType(i) == Poco::Redis::RedisTypeTraits<Poco::Redis::Error>::TypeId)
      throw Poco::Redis::RedisException("quota counter: " + replies.get<Poco::Redis::Error>(i).getMessage());
  sent(now_ms);
}

std::vector<QuotaBucket> QuotaCounters::window(int64_t now_ms) {
  std::vector<QuotaBucket> w;
  const int64_t first = quota_slot(now_ms) - kQuotaWindowSlots + 1;
  for (int i = 0; i < kQuotaWindowSlots; ++i) w.push_back({QuotaBucket::Requests, first + i});
  for (int i = 0; i < kQuotaWindowSlots; ++i) w.push_back({QuotaBucket::Tokens, first + i});
  w.push_back({QuotaBucket::Day, utc_day(now_ms)});
  w.push_back({QuotaBucket::Month, utc_month(now_ms)});
  return w;
}

PeerUsage QuotaCounters::peers(const std::string& name, const std::vector<int64_t>& totals, int64_t now_ms,
                               int64_t valid_until_ms) const {
  const std::vector<QuotaBucket> w = window(now_ms);
  const auto it = mine_.find(name);
  std::vector<int64_t> theirs(w.size(), 0);
  for (size_t i = 0; i < w.size() && i < totals.size(); ++i) {
    int64_t own = 0;
    if (it != mine_.end())
      if (const auto b = it->second.find(w[i]); b != it->second.end()) own = b->second;
    theirs[i] = std::max<int64_t>(0, totals[i] - own);
  }
  PeerUsage p;
  p.first_slot = w.front().period;
  std::copy_n(theirs.begin(), kQuotaWindowSlots, p.requests.begin());
  std::copy_n(theirs.begin() + kQuotaWindowSlots, kQuotaWindowSlots, p.tokens.begin());
  p.day = w[2 * kQuotaWindowSlots].period;
  p.day_tokens = theirs[2 * kQuotaWindowSlots];
  p.month = w[2 * kQuotaWindowSlots + 1].period;
  p.month_tokens = theirs[2 * kQuotaWindowSlots + 1];
  p.valid_until_ms = valid_until_ms;
  return p;
}

void QuotaCounters::fetch(RedisConn& c, const std::vector<std::string>& names, QuotaBook& book, int64_t now_ms,
                          int64_t valid_until_ms) {
  if (names.empty()) return;
  const std::vector<QuotaBucket> w = window(now_ms);
  std::vector<Poco::Redis::Array> cmds;
  for (const auto& name : names) {
    Poco::Redis::Array mget;
    mget << "MGET";
    for (const auto& b : w) mget << redis_key(name, b);
    cmds.push_back(std::move(mget));
  }
  const Poco::Redis::Array replies = c.sendCommands(cmds);
  for (size_t n = 0; n < names.size() && n < replies.size(); ++n) {
    const auto reply = replies.get<Poco::Redis::Array>(n);
    if (reply.isNull()) continue;
    std::vector<int64_t> totals;
    for (size_t i = 0; i < reply.size(); ++i) totals.push_back(total_at(reply, i));
    book.set_peers(names[n], peers(names[n], totals, now_ms, valid_until_ms));
  }
}

}  // namespace aicore::host::shared

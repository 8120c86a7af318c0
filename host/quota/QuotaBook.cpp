#include "quota/QuotaBook.hpp"

#include <algorithm>
#include <ctime>
#include <utility>
#include <vector>

namespace aicore::host {
namespace {

constexpr int64_t kMinuteMs = 60000;

std::tm utc(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

int64_t month_start_ms(int64_t unix_ms, int months_ahead) {
  std::tm tm = utc(unix_ms);
  tm.tm_mon += months_ahead;  // timegm normalises December + 1
  tm.tm_mday = 1;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

int seconds_until(int64_t then_ms, int64_t now_ms) {
  const int64_t s = (then_ms - now_ms + 999) / 1000;
  return static_cast<int>(s < 1 ? 1 : s);
}

QuotaVerdict refuse(const std::string& key, const char* limit, int64_t value, const char* unit, int retry_after_s,
                    const std::string& detail) {
  QuotaVerdict v;
  v.ok = false;
  v.limit = limit;
  v.limit_value = value;
  v.retry_after_s = retry_after_s;
  v.message = "API key '" + key + "' is over its limit of " + std::to_string(value) + " " + unit + " (" + limit + ")" +
              detail + "; retry in " + std::to_string(retry_after_s) + " s";
  return v;
}

// When the window's usage `used` falls to `target` or below as the `leaving` amounts (the ms each
// leaves the window, what it takes along) go; -1 when it does not within the window.
using Leaving = std::vector<std::pair<int64_t, int64_t>>;
int64_t when_fits(Leaving leaving, int64_t used, int64_t target) {
  std::sort(leaving.begin(), leaving.end());
  for (const auto& [at, n] : leaving) {
    used -= n;
    if (used <= target) return at;
  }
  return -1;
}

}  // namespace

int64_t utc_day(int64_t unix_ms) { return unix_ms / 86400000; }
int64_t utc_month(int64_t unix_ms) {
  const std::tm tm = utc(unix_ms);
  return int64_t(tm.tm_year + 1900) * 12 + tm.tm_mon;
}
int64_t utc_day_start_ms(int64_t unix_ms) { return utc_day(unix_ms) * 86400000; }
int64_t next_utc_day_ms(int64_t unix_ms) { return utc_day_start_ms(unix_ms) + 86400000; }
int64_t next_utc_month_ms(int64_t unix_ms) { return month_start_ms(unix_ms, 1); }
int64_t utc_month_start_ms(int64_t unix_ms) { return month_start_ms(unix_ms, 0); }

QuotaBook::Counters& QuotaBook::of(const std::string& key) {
  {
    // Every request looks its key up; a new key is rare: readers share the lock.
    std::shared_lock read(m_);
    if (auto it = keys_.find(key); it != keys_.end()) return *it->second;
  }
  std::lock_guard write(m_);
  auto& c = keys_[key];
  if (!c) c = std::make_unique<Counters>();
  return *c;
}

void QuotaBook::roll(Counters& c, int64_t now_ms) {
  if (const int64_t d = utc_day(now_ms); d != c.day) {
    c.day = d;
    c.day_tokens = 0;
    // A month changes only with a day (and the calendar arithmetic is not free).
    if (const int64_t m = utc_month(now_ms); m != c.month) {
      c.month = m;
      c.month_tokens = 0;
    }
  }
  while (!c.request_times.empty() && c.request_times.front() <= now_ms - kMinuteMs) c.request_times.pop_front();
}

int64_t QuotaBook::minute_tokens(const Counters& c, int64_t now_s) {
  int64_t sum = 0;
  for (size_t i = 0; i < c.second_tokens.size(); ++i)
    if (c.second_of[i] > now_s - 60 && c.second_of[i] <= now_s) sum += c.second_tokens[i];
  return sum;
}

void QuotaBook::add_tokens(Counters& c, int64_t at_ms, int64_t tokens, int64_t now_ms) {
  const int64_t at_s = at_ms / 1000;
  if (at_s > now_ms / 1000 - 60) {
    const size_t slot = static_cast<size_t>(at_s % 60);
    if (c.second_of[slot] < at_s) {  // the slot held an older second: it is out of the window
      c.second_of[slot] = at_s;
      c.second_tokens[slot] = 0;
    }
    if (c.second_of[slot] == at_s) c.second_tokens[slot] += tokens;
  }
  if (utc_day(at_ms) == c.day) c.day_tokens += tokens;
  if (utc_month(at_ms) == c.month) c.month_tokens += tokens;
}

QuotaVerdict QuotaBook::check_requests(const std::string& key, const Counters& c, int64_t limit, int64_t now_ms) {
  const int64_t peers = c.peers.requests_minute(now_ms);
  const int64_t used = static_cast<int64_t>(c.request_times.size()) + peers;
  if (used < limit) return {};
  // When enough requests (ours by their exact time, the peers' by slot) leave the window for this one.
  Leaving leaving;
  for (const int64_t t : c.request_times) leaving.emplace_back(t + kMinuteMs, 1);
  if (peers) c.peers.leaving(c.peers.requests, now_ms, [&](int64_t at, int64_t n) { leaving.emplace_back(at, n); });
  const int64_t at = when_fits(std::move(leaving), used, limit - 1);
  return refuse(key, "requests_per_minute", limit, "requests per minute", at < 0 ? 60 : seconds_until(at, now_ms), "");
}

QuotaVerdict QuotaBook::check_tokens_minute(const std::string& key, const Counters& c, int64_t limit, int64_t estimate,
                                            int64_t now_ms) {
  const int64_t now_s = now_ms / 1000;
  const int64_t peers = c.peers.tokens_minute(now_ms);
  const int64_t used = minute_tokens(c, now_s) + peers;
  if (used + estimate <= limit) return {};
  // Seconds until enough of the oldest seconds (and peers' slots, up to 65 s away) leave the
  // window (60 when the request alone is too big).
  int wait = 60;
  if (estimate <= limit) {
    Leaving leaving;
    for (size_t i = 0; i < c.second_tokens.size(); ++i)
      if (c.second_of[i] > now_s - 60 && c.second_of[i] <= now_s && c.second_tokens[i])
        leaving.emplace_back((c.second_of[i] + 60) * 1000, c.second_tokens[i]);
    if (peers) c.peers.leaving(c.peers.tokens, now_ms, [&](int64_t at, int64_t n) { leaving.emplace_back(at, n); });
    const int64_t at = when_fits(std::move(leaving), used, limit - estimate);
    if (at >= 0) wait = static_cast<int>(std::max<int64_t>(1, at / 1000 - now_s));
  }
  return refuse(key, "tokens_per_minute", limit, "tokens per minute", wait,
                ": used " + std::to_string(used) + ", this request about " + std::to_string(estimate));
}

QuotaVerdict QuotaBook::admit(const std::string& key, const KeyLimits& lim, int64_t estimate, int64_t now_ms,
                              QuotaCharge& charge) {
  Counters& c = of(key);
  std::lock_guard lk(c.m);
  roll(c, now_ms);
  if (lim.requests_per_minute)
    if (QuotaVerdict v = check_requests(key, c, lim.requests_per_minute, now_ms); !v.ok) return v;
  if (lim.tokens_per_minute)
    if (QuotaVerdict v = check_tokens_minute(key, c, lim.tokens_per_minute, estimate, now_ms); !v.ok) return v;
  // Only a refusal says it (a string built on every admitted request would be wasted).
  const auto about = [estimate] { return ", this request about " + std::to_string(estimate); };
  if (lim.tokens_per_day)
    if (const int64_t used = c.day_tokens + c.peers.tokens_day(now_ms); used + estimate > lim.tokens_per_day)
      return refuse(key, "tokens_per_day", lim.tokens_per_day, "tokens per day (UTC)",
                    seconds_until(next_utc_day_ms(now_ms), now_ms), ": used " + std::to_string(used) + about());
  if (lim.tokens_per_month)
    if (const int64_t used = c.month_tokens + c.peers.tokens_month(now_ms); used + estimate > lim.tokens_per_month)
      return refuse(key, "tokens_per_month", lim.tokens_per_month, "tokens per month (UTC)",
                    seconds_until(next_utc_month_ms(now_ms), now_ms), ": used " + std::to_string(used) + about());
  c.request_times.push_back(now_ms);
  add_tokens(c, now_ms, estimate, now_ms);
  if (sharing_.load(std::memory_order_relaxed)) add_usage(c.unsent, now_ms, 1, estimate);
  charge = QuotaCharge{true, estimate, now_ms};
  return {};
}

void QuotaBook::settle(const std::string& key, const QuotaCharge& charge, int64_t used, int64_t now_ms) {
  if (!charge.active) return;
  Counters& c = of(key);
  std::lock_guard lk(c.m);
  roll(c, now_ms);
  add_tokens(c, charge.at_ms, used - charge.estimate, now_ms);
  if (sharing_.load(std::memory_order_relaxed) && used != charge.estimate)
    add_usage(c.unsent, charge.at_ms, 0, used - charge.estimate);
}

void QuotaBook::restore(const std::string& key, int64_t time_ms, int64_t tokens, int64_t now_ms) {
  Counters& c = of(key);
  std::lock_guard lk(c.m);
  roll(c, now_ms);
  if (time_ms > now_ms - kMinuteMs && time_ms <= now_ms) {
    auto it = c.request_times.end();  // kept in order: rows may come in any order
    while (it != c.request_times.begin() && *(it - 1) > time_ms) --it;
    c.request_times.insert(it, time_ms);
  }
  add_tokens(c, time_ms, tokens, now_ms);
  // Only what still counts is kept: restore runs once, over at most a month of rows.
  QuotaDeltas one;
  add_usage(one, time_ms, 1, tokens);
  prune(one, now_ms);
  merge(c.restored, one);
}

QuotaBook::Usage QuotaBook::used(const std::string& key, int64_t now_ms) {
  Counters& c = of(key);
  std::lock_guard lk(c.m);
  roll(c, now_ms);
  const PeerUsage& p = c.peers;
  Usage u;
  u.peers_known = p.valid(now_ms);
  u.peers = Used{p.requests_minute(now_ms), p.tokens_minute(now_ms), p.tokens_day(now_ms), p.tokens_month(now_ms)};
  u.all = Used{static_cast<int64_t>(c.request_times.size()) + u.peers.requests_minute,
               minute_tokens(c, now_ms / 1000) + u.peers.tokens_minute, c.day_tokens + u.peers.tokens_day,
               c.month_tokens + u.peers.tokens_month};
  return u;
}

std::vector<QuotaBook::Taken> QuotaBook::take_deltas(int64_t now_ms) {
  std::vector<Taken> out;
  std::shared_lock read(m_);
  for (const auto& [key, c] : keys_) {
    std::lock_guard lk(c->m);
    if (c->unsent.empty() && c->restored.empty()) continue;
    Taken t{key, {}, {}};
    t.fresh.swap(c->unsent);
    t.restored.swap(c->restored);
    prune(t.fresh, now_ms);
    prune(t.restored, now_ms);
    out.push_back(std::move(t));
  }
  return out;
}

void QuotaBook::set_peers(const std::string& key, const PeerUsage& peers) {
  Counters& c = of(key);
  std::lock_guard lk(c.m);
  c.peers = peers;
}

}  // namespace aicore::host

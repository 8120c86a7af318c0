#include "tokens/TokenCache.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace aicore::host {

std::shared_ptr<TokenCache::Entry> TokenCache::entry_(const std::string& key) {
  auto& e = entries_[key];
  if (!e) e = std::make_shared<Entry>();
  return e;
}

TokenCache::Clock::duration TokenCache::backoff_(int failures) {
  const int shift = std::clamp(failures - 1, 0, 16);
  return std::min<Clock::duration>(kFirstBackoff * (int64_t(1) << shift), kMaxBackoff);
}

std::string TokenCache::get(const std::string& key, const Fetcher& fetch) {
  std::unique_lock lock(mu_);
  // Held by shared_ptr: retain() may drop the map's reference while we wait or fetch.
  const std::shared_ptr<Entry> ep = entry_(key);
  Entry& e = *ep;
  for (;;) {
    const auto now = now_();
    const bool valid = !e.token.empty() && now < e.expires_at;
    if (valid && now < e.refresh_at) return e.token;
    // Due for refresh but still valid: one caller refreshes; everyone else, and everyone while a
    // failed refresh backs off, keeps using the current token instead of waiting.
    if (valid && (e.fetching || now < e.retry_at)) return e.token;
    if (valid) break;  // we refresh
    if (e.fetching) {
      // No valid token and another caller is fetching: share its outcome, success or failure,
      // instead of queueing a fetch of our own behind it.
      const uint64_t gen = e.generation;
      ++e.waiting;
      e.cv.wait(lock, [&] { return e.generation != gen; });
      --e.waiting;
      if (e.last_failed) throw TokenError(e.last_error);
      // A 401 elsewhere may have invalidated the fresh token between the fetch and our wake-up:
      // then look again (and fetch) rather than hand out an empty token.
      continue;
    }
    if (now < e.retry_at) {
      // The last fetch failed moments ago: answer with its error rather than call again.
      const auto in_s = std::chrono::ceil<std::chrono::seconds>(e.retry_at - now).count();
      throw TokenError(e.last_error + " (failed " + std::to_string(e.failures) +
                       " time(s) in a row; next token request in " + std::to_string(in_s) + " s)");
    }
    break;  // we fetch
  }

  e.fetching = true;
  const auto started = now_();
  lock.unlock();
  FetchedToken t;
  std::string error;
  try {
    t = fetch();
    if (t.access_token.empty()) error = "the token endpoint returned no token";
  } catch (const std::exception& ex) { error = ex.what(); } catch (...) {
    error = "token fetch failed";
  }
  lock.lock();
  e.fetching = false;
  ++e.generation;
  e.cv.notify_all();
  const auto now = now_();
  if (!error.empty()) {
    ++e.failures;
    e.retry_at = now + backoff_(e.failures);
    e.last_failed = true;
    e.last_error = error;
    if (!e.token.empty() && now < e.expires_at) {
      // A refresh failed, but the current token is still good: keep serving it until it expires.
      const auto left = std::chrono::duration_cast<std::chrono::seconds>(e.expires_at - now).count();
      std::string current = e.token;
      lock.unlock();
      spdlog::warn("{}; still using the current token (valid for {} s more)", error, left);
      return current;
    }
    throw TokenError(error);
  }
  e.failures = 0;
  e.retry_at = {};
  e.last_failed = false;
  const std::chrono::seconds life = t.expires_in_s > 0 ? std::chrono::seconds(t.expires_in_s) : kDefaultLifetime;
  // Refresh 5 minutes early (half way for short-lived tokens); use it until it really expires,
  // counted from when the request was sent, which errs on the safe side.
  const std::chrono::seconds ahead = life > 2 * kRefreshMargin ? kRefreshMargin : life / 2;
  e.token = std::move(t.access_token);
  e.expires_at = started + life;
  e.refresh_at = e.expires_at - ahead;
  return e.token;
}

void TokenCache::invalidate(const std::string& key, const std::string& token) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  Entry& e = *it->second;
  if (e.token == token) {
    e.token.clear();
    e.refresh_at = e.expires_at = {};
  }
}

void TokenCache::retain(const std::vector<std::string>& keys) {
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [&](const auto& kv) { return std::find(keys.begin(), keys.end(), kv.first) == keys.end(); });
}

TokenCache::Status TokenCache::status(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return {};
  const Entry& e = *it->second;
  const auto now = now_();
  Status s;
  s.has_token = !e.token.empty() && now < e.expires_at;
  if (s.has_token) s.expires_in = e.expires_at - now;
  s.failing = e.last_failed;
  if (e.last_failed) s.last_error = e.last_error;
  return s;
}

size_t TokenCache::waiting(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  return it == entries_.end() ? 0 : it->second->waiting;
}

}  // namespace aicore::host

#include "tokens/TokenCache.hpp"

namespace aicore::host {

TokenCache::Entry& TokenCache::entry_(const std::string& subaccount) {
  auto& e = entries_[subaccount];
  if (!e) e = std::make_unique<Entry>();
  return *e;
}

std::string TokenCache::get(const std::string& subaccount) {
  std::unique_lock lock(mu_);
  Entry& e = entry_(subaccount);
  for (;;) {
    if (!e.token.empty() && now_() < e.refresh_at) return e.token;
    if (!e.fetching) break;
    // Another caller is fetching: share its outcome, success or failure, instead of queueing a
    // fetch of our own behind it (a dead token endpoint must not be hit once per waiting request).
    const uint64_t gen = e.generation;
    e.cv.wait(lock, [&] { return e.generation != gen; });
    if (e.last_failed) throw TokenError(e.last_error);
    // A 401 elsewhere may have invalidated the fresh token between the fetch and our wake-up:
    // then look again (and fetch) rather than hand out an empty token.
    if (!e.token.empty()) return e.token;
  }
  e.fetching = true;
  lock.unlock();
  FetchedToken t;
  std::string error;
  try {
    t = fetch_(subaccount);
  } catch (const std::exception& ex) {
    error = ex.what();
  } catch (...) {
    error = "token fetch for subaccount " + subaccount + " failed";
  }
  if (!error.empty() || t.access_token.empty()) {
    if (error.empty()) error = "token endpoint for subaccount " + subaccount + " returned no token";
    lock.lock();
    e.fetching = false;
    e.last_failed = true;
    e.last_error = error;
    ++e.generation;
    e.cv.notify_all();
    throw TokenError(error);
  }
  lock.lock();
  e.last_failed = false;
  ++e.generation;
  std::chrono::seconds life = t.expires_in_s > 0 ? std::chrono::seconds(t.expires_in_s) : kDefaultLifetime;
  // Refresh 5 minutes early; for short-lived tokens, at half their life.
  std::chrono::seconds usable = life > 2 * kRefreshMargin ? life - kRefreshMargin : life / 2;
  e.token = t.access_token;
  e.refresh_at = now_() + usable;
  e.fetching = false;
  e.cv.notify_all();
  return e.token;
}

void TokenCache::invalidate(const std::string& subaccount, const std::string& token) {
  std::lock_guard lock(mu_);
  Entry& e = entry_(subaccount);
  if (e.token == token) {
    e.token.clear();
    e.refresh_at = {};
  }
}

}  // namespace aicore::host

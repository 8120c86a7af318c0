#include "shared/RedisLink.hpp"

#include <Poco/Exception.h>
#include <Poco/Redis/Array.h>
#include <Poco/Redis/Exception.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "log/Log.hpp"
#include "shared/SharedStatus.hpp"

namespace aicore::host::shared {
namespace {
constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
}  // namespace

RedisLink::RedisLink(RedisUrl url, std::chrono::milliseconds timeout) : url_(std::move(url)), timeout_(timeout) {}

bool RedisLink::connect_() {
  client_ = open_redis(url_, timeout_);
  fresh_ = true;
  backoff_ = std::chrono::milliseconds(0);
  if (outage_) {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - down_since_).count();
    spdlog::info("shared state: Redis at {} is back after {} s: sharing again", url_.redacted(), secs);
  } else {
    spdlog::info("shared state: connected to Redis at {}", url_.redacted());
  }
  outage_ = false;
  SharedStatus::process().redis = SharedStatus::Up;
  return true;
}

void RedisLink::lost_(const std::string& why) {
  client_.reset();
  SharedStatus::process().redis = SharedStatus::Down;
  backoff_ = std::clamp(backoff_ * 2, kFirstBackoff, kMaxBackoff);
  next_try_ = Clock::now() + backoff_;
  if (outage_) return;  // said once per outage; the log is not flooded while it lasts
  outage_ = true;
  down_since_ = Clock::now();
  // redact(): a server's error text is not ours to trust, and the password is on the redaction list.
  spdlog::warn(
      "shared state: Redis at {} is unreachable ({}): each instance goes on with its own cooldowns, quota counts "
      "and conversations until it returns; retrying with back-off",
      url_.redacted(), redact(why));
}

bool RedisLink::run(const std::function<void(RedisConn&, bool fresh)>& f) {
  try {
    if (!client_) {
      if (Clock::now() < next_try_) return false;
      connect_();
    }
    const bool fresh = fresh_;
    fresh_ = false;
    f(*client_, fresh);
    return true;
  } catch (const Poco::Exception& e) { lost_(e.displayText()); } catch (const std::exception& e) {
    lost_(e.what());
  }
  return false;
}

}  // namespace aicore::host::shared

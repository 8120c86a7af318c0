// shared_state.redis_url, taken apart: redis://[[user]:password@]host[:port][/db]. The password
// never leaves this struct in text meant for people: errors and log lines use redacted().
#pragma once

#include <stdexcept>
#include <string>

namespace aicore::host::shared {

struct RedisUrl {
  std::string host;  // a name, an IPv4 address or an IPv6 address (without its brackets)
  int port = 6379;
  int db = 0;            // SELECT after connecting
  std::string user;      // Redis 6 ACL user; empty: the default user
  std::string password;  // empty: no AUTH

  // redis://host:port/db, with "***" standing for the credentials when there are any.
  std::string redacted() const;
};

// Throws std::invalid_argument saying what is wrong; the message never contains the password.
// rediss:// (TLS) is refused for now: Poco's Redis client speaks plain TCP only.
RedisUrl parse_redis_url(const std::string& url);

}  // namespace aicore::host::shared

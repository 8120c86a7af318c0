// shared_state.redis_url, taken apart: redis[s]://[[user]:password@]host[:port][/db]. The password
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
  bool tls = false;      // rediss://: TLS, the certificate checked against `host`
  std::string ca_file;   // not in the URL: shared_state.tls_ca_file (empty: the system store)

  // redis[s]://host:port/db, with "***" standing for the credentials when there are any.
  std::string redacted() const;
};

// Throws std::invalid_argument saying what is wrong; the message never contains the password.
RedisUrl parse_redis_url(const std::string& url);

}  // namespace aicore::host::shared

#include "shared/RedisUrl.hpp"

#include <cctype>
#include <charconv>

namespace aicore::host::shared {
namespace {

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument(what); }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding, so a password may hold '@', ':' or '/' (written %40, %3A, %2F).
std::string decode(const std::string& s, const char* part) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
    if (lo < 0) bad(std::string("bad percent-escape in the ") + part);
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

int number(const std::string& s, const char* what, int lo, int hi) {
  int n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n < lo || n > hi)
    bad(std::string(what) + " must be a number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got '" +
        s + "'");
  return n;
}

// [user]:password -> the two, decoded. The text is a secret: it is never quoted in an error.
void read_credentials(const std::string& userinfo, RedisUrl& u) {
  const size_t colon = userinfo.find(':');
  if (colon == std::string::npos)
    bad("credentials must be written ':password@' or 'user:password@' (a bare 'name@' is ambiguous)");
  u.user = decode(userinfo.substr(0, colon), "user name");
  u.password = decode(userinfo.substr(colon + 1), "password");
  if (u.password.empty()) bad("the password after ':' is empty");
}

// host[:port], host being a name, IPv4, or [IPv6].
void read_host_port(const std::string& hp, RedisUrl& u) {
  std::string port;
  if (hp.starts_with('[')) {
    const size_t close = hp.find(']');
    if (close == std::string::npos) bad("unclosed '[' in the IPv6 address");
    u.host = hp.substr(1, close - 1);
    const std::string rest = hp.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) bad("unexpected text after the IPv6 address");
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const size_t colon = hp.find(':');
    u.host = hp.substr(0, colon);
    if (colon != std::string::npos) port = hp.substr(colon + 1);
  }
  if (u.host.empty()) bad("no host");
  for (const char c : u.host)
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '?' || c == '#')
      bad("bad host '" + u.host + "'");
  if (hp.find(':') != std::string::npos && !hp.starts_with('[') && port.empty()) bad("empty port after ':'");
  if (!port.empty()) u.port = number(port, "the port", 1, 65535);
}

}  // namespace

std::string RedisUrl::redacted() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return std::string(tls ? "rediss://" : "redis://") + std::string(password.empty() ? "" : "***@") + h + ":" +
         std::to_string(port) + "/" + std::to_string(db);
}

RedisUrl parse_redis_url(const std::string& url) {
  RedisUrl u;
  u.tls = url.starts_with("rediss://");
  if (!u.tls && !url.starts_with("redis://")) bad("must start with redis:// or rediss:// (TLS)");
  std::string rest = url.substr(u.tls ? 9 : 8);
  if (rest.find_first_of("?#") != std::string::npos) bad("query strings and fragments are not supported");
  // The last '@' ends the credentials: an unescaped '@' in a password still parses.
  if (const size_t at = rest.rfind('@'); at != std::string::npos) {
    read_credentials(rest.substr(0, at), u);
    rest.erase(0, at + 1);
  }
  const size_t slash = rest.find('/');
  read_host_port(rest.substr(0, slash), u);
  if (slash != std::string::npos && slash + 1 < rest.size())
    u.db = number(rest.substr(slash + 1), "the database number", 0, 1 << 20);
  return u;
}

}  // namespace aicore::host::shared

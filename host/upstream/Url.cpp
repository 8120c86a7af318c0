#include "upstream/Url.hpp"

namespace aicore::host {

Url Url::parse(const std::string& url) {
  Url u;
  size_t rest;
  if (url.rfind("https://", 0) == 0) {
    u.https = true;
    rest = 8;
  } else if (url.rfind("http://", 0) == 0) {
    rest = 7;
  } else {
    throw std::invalid_argument("not an http(s) URL");
  }
  size_t slash = url.find_first_of("/?#", rest);
  std::string authority = url.substr(rest, slash == std::string::npos ? std::string::npos : slash - rest);
  if (auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);  // no userinfo
  u.port = u.https ? 443 : 80;
  size_t colon = authority.rfind(':');
  bool bracketed = !authority.empty() && authority.front() == '[';
  if (colon != std::string::npos && (!bracketed || authority.find(']') < colon)) {
    std::string p = authority.substr(colon + 1);
    authority.resize(colon);
    if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos)
      throw std::invalid_argument("bad port in URL");
    unsigned long n = std::stoul(p);
    if (n == 0 || n > 65535) throw std::invalid_argument("bad port in URL");
    u.port = static_cast<uint16_t>(n);
  }
  if (bracketed && authority.size() >= 2) authority = authority.substr(1, authority.size() - 2);
  if (authority.empty()) throw std::invalid_argument("URL has no host");
  u.host = authority;
  u.path = slash == std::string::npos ? "/" : url.substr(slash);
  if (u.path[0] != '/') u.path.insert(0, "/");
  if (auto hash = u.path.find('#'); hash != std::string::npos) u.path.resize(hash);
  return u;
}

std::string Url::origin() const { return (https ? "https://" : "http://") + host + ":" + std::to_string(port); }

}  // namespace aicore::host

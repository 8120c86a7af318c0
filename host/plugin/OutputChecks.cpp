#include "plugin/OutputChecks.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace aicore::host {
namespace {

// RFC 9110 token characters (method and header names).
bool is_tchar(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}
bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); });
}
// A field value: visible characters, spaces and tabs; no CR, LF, NUL or other controls.
bool is_field_value(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t') || c == 0x7f;
  });
}
// A request target: no whitespace or controls (they would end or split the request line).
bool is_target(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c <= 0x20 || c == 0x7f;
  });
}
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Headers the host sets or that frame the request: a plugin may not add its own.
constexpr std::array<std::string_view, 7> kHostOwned{
    "authorization", "ai-resource-group", "content-length", "transfer-encoding", "host", "connection", "te"};

std::string shown(std::string_view s) {
  std::string out;
  for (char ch : s.substr(0, 60)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> upstream_request_problem(const UpstreamRequest& req, RequestKind kind) {
  if (!is_token(req.method)) return "method '" + shown(req.method) + "' is not an HTTP method";
  if (!is_target(req.target)) return "target '" + shown(req.target) + "' contains whitespace or control characters";
  if (kind == RequestKind::Inference && (req.target.empty() || req.target.front() != '/'))
    return "target '" + shown(req.target) + "' does not start with '/'";
  if (kind == RequestKind::Token && !(req.target.starts_with("https://") || req.target.starts_with("http://")))
    return "token URL '" + shown(req.target) + "' is not an absolute http(s) URL";
  for (const auto& [name, value] : req.headers) {
    if (!is_token(name)) return "header name '" + shown(name) + "' is not a valid HTTP header name";
    if (!is_field_value(value)) return "header " + name + " has a value with control characters (CR, LF or NUL)";
    for (std::string_view owned : kHostOwned) {
      if (!iequals(name, owned)) continue;
      if (kind == RequestKind::Token && owned == "authorization") break;  // Basic client credentials
      return "header " + name + " is set by the host; a plugin may not set it";
    }
  }
  return std::nullopt;
}

std::optional<std::string> local_status_problem(int status) {
  // 1xx are interim answers: a plugin's answer is final, with a body.
  if (status < 200 || status > 599) return "status " + std::to_string(status) + " is not a final HTTP status (200-599)";
  return std::nullopt;
}

}  // namespace aicore::host

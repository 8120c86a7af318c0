#include "server/GeminiPath.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

namespace aicore::host {
namespace {

constexpr std::string_view kVersions[] = {"/v1beta/models", "/v1/models", "/v1alpha/models"};

// One query parameter, undecoded; empty when absent.
std::string_view query_value(std::string_view uri, std::string_view name) {
  const size_t q = uri.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = uri.substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=')
      return pair.substr(name.size() + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

std::string decoded(std::string_view s) {
  std::string out;
  try {
    Poco::URI::decode(std::string(s), out, /*plusAsSpace=*/true);
  } catch (const Poco::Exception&) {
    return {};  // a broken escape: treated as absent
  }
  return out;
}

}  // namespace

std::optional<GeminiPath> parse_gemini_path(std::string_view path) {
  for (std::string_view prefix : kVersions) {
    if (!path.starts_with(prefix)) continue;
    std::string_view rest = path.substr(prefix.size());
    if (rest.empty()) return GeminiPath{};
    if (rest.front() != '/' || rest.size() == 1) return std::nullopt;
    rest.remove_prefix(1);
    GeminiPath p;
    if (const size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
      p.method = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
    }
    p.model = decoded(rest);
    if (p.model.empty() || (p.method.empty() && path.back() == ':')) return std::nullopt;
    return p;
  }
  return std::nullopt;
}

bool query_wants_sse(std::string_view uri) { return query_value(uri, "alt") == "sse"; }

std::string query_api_key(std::string_view uri) { return decoded(query_value(uri, "key")); }

}  // namespace aicore::host

#include "models.hpp"

#include <aicore/mapping/model_names.hpp>

#include <algorithm>
#include <cctype>

namespace aicore::gemini {
namespace {

using mapping::add_unique;
using mapping::all_digits;
using mapping::lower;

// Clients that talk to several gateways qualify the name: LiteLLM ("vertex_ai/", "gemini/"),
// OpenRouter-style configs ("google/"), Google's own SDKs ("models/", full resource names).
std::string_view strip_routing_prefix(std::string_view s) {
  return mapping::strip_routing_prefix(s, {"publishers/google/models/", "vertex_ai/", "google/", "models/", "gemini/"});
}

// gemini-2.0-flash-001, gemini-1.5-pro-latest, gemini-2.5-flash-preview-05-20, gemini-exp-1206 ...
std::string_view strip_version_suffix(std::string_view s) {
  if (s.ends_with("-latest")) return s.substr(0, s.size() - 7);
  if (s.size() > 4 && s[s.size() - 4] == '-' && s[s.size() - 3] == '0' && all_digits(s.substr(s.size() - 3)))
    return s.substr(0, s.size() - 4);
  for (std::string_view tag : {"-preview-", "-exp-"}) {
    size_t i = s.rfind(tag);
    if (i == std::string_view::npos || i == 0) continue;
    std::string_view date = s.substr(i + tag.size());
    std::string packed;
    for (char c : date)
      if (c != '-') packed += c;
    if (all_digits(packed) && packed.size() == 4 && date.size() <= 5) return s.substr(0, i);
  }
  return s;
}

}  // namespace

std::string base_model_name(std::string_view model) { return lower(strip_routing_prefix(model)); }

bool is_gemini_model(std::string_view model) { return base_model_name(model).starts_with("gemini"); }

std::vector<std::string> model_candidates(std::string_view model) {
  std::vector<std::string> out;
  std::string_view unprefixed = strip_routing_prefix(model);
  add_unique(out, std::string(model));
  add_unique(out, std::string(unprefixed));
  add_unique(out, lower(unprefixed));
  add_unique(out, std::string(strip_version_suffix(lower(unprefixed))));
  return out;
}

ThinkingSupport thinking_support(std::string_view upstream_model) {
  using K = ThinkingSupport::Kind;
  const std::string m = base_model_name(upstream_model);
  // Ranges from Google's thinking documentation for the 2.5 family.
  if (m.starts_with("gemini-2.5-pro")) return {K::Budget, 128, 32768, false};
  if (m.starts_with("gemini-2.5-flash-lite")) return {K::Budget, 512, 24576, true};
  if (m.starts_with("gemini-2.5-flash")) return {K::Budget, 1, 24576, true};
  if (m.starts_with("gemini-3")) return {K::Level, 0, 0, false};
  if (m.starts_with("gemini-1") || m.starts_with("gemini-2.0") || m.starts_with("gemini-pro") ||
      m.starts_with("gemini-embedding"))
    return {K::None, 0, 0, false};
  return {K::Unknown, 0, 0, false};
}

}  // namespace aicore::gemini

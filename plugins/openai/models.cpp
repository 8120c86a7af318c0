#include "models.hpp"

#include <aicore/mapping/model_names.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace aicore::openai {
namespace {

using mapping::add_unique;
using mapping::all_digits;
using mapping::lower;
using mapping::starts_with_ci;

// Clients that talk to several gateways (LiteLLM, OpenRouter-style configs) qualify the name.
std::string_view strip_routing_prefix(std::string_view s) {
  return mapping::strip_routing_prefix(s, {"openai/", "azure/"});
}

// OpenAI snapshots end in -YYYY-MM-DD (gpt-4o-2024-08-06) or, for older ones, -MMDD (gpt-4-0613).
std::string_view strip_date_suffix(std::string_view s) {
  if (s.size() > 11 && s[s.size() - 11] == '-') {
    std::string_view d = s.substr(s.size() - 10);
    if (all_digits(d.substr(0, 4)) && d[4] == '-' && all_digits(d.substr(5, 2)) && d[7] == '-' &&
        all_digits(d.substr(8, 2)))
      return s.substr(0, s.size() - 11);
  }
  if (s.size() > 5 && s[s.size() - 5] == '-' && all_digits(s.substr(s.size() - 4))) return s.substr(0, s.size() - 5);
  return s;
}

// Azure deployment names cannot contain dots, so SAP lists gpt-3.5-turbo as gpt-35-turbo.
std::string swap_35(std::string_view s) {
  std::string o(s);
  if (auto i = o.find("gpt-3.5"); i != std::string::npos) return o.replace(i, 7, "gpt-35");
  if (auto i = o.find("gpt-35"); i != std::string::npos) return o.replace(i, 6, "gpt-3.5");
  return {};
}

}  // namespace

std::string base_model_name(std::string_view model) { return lower(strip_routing_prefix(model)); }

bool is_openai_model(std::string_view model) {
  std::string m = base_model_name(model);
  static constexpr std::array<std::string_view, 6> kPrefixes = {"gpt-", "chatgpt-", "o1",
                                                                "o3",   "o4",       "text-embedding-"};
  return std::any_of(kPrefixes.begin(), kPrefixes.end(), [&](std::string_view p) { return m.starts_with(p); });
}

bool is_reasoning_model(std::string_view model) {
  const std::string m = base_model_name(model);
  std::string_view rest = m;
  if (rest.starts_with("gpt-")) rest.remove_prefix(4);
  if (m.starts_with("gpt-5")) return true;
  return rest.starts_with("o1") || rest.starts_with("o3") || rest.starts_with("o4");
}

std::vector<std::string> model_candidates(std::string_view model) {
  std::vector<std::string> out;
  std::string_view unprefixed = strip_routing_prefix(model);
  add_unique(out, std::string(model));
  add_unique(out, std::string(unprefixed));
  add_unique(out, std::string(strip_date_suffix(unprefixed)));
  size_t exact_forms = out.size();
  for (size_t i = 0; i < exact_forms; ++i) add_unique(out, lower(out[i]));
  size_t forms = out.size();
  for (size_t i = 0; i < forms; ++i) add_unique(out, swap_35(out[i]));
  return out;
}

}  // namespace aicore::openai

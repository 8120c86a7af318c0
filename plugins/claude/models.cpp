#include "models.hpp"

#include <aicore/mapping/model_names.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace aicore::claude {
namespace {

using mapping::add_unique;
using mapping::all_digits;
using mapping::lower;

void strip_prefix(std::string& s, std::string_view p) {
  if (s.starts_with(p)) s.erase(0, p.size());
}

// "us.", "eu.", "apac.", "global." …: a Bedrock cross-region inference profile.
void strip_region(std::string& s) {
  size_t dot = s.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 6) return;
  if (!std::all_of(s.begin(), s.begin() + static_cast<long>(dot), [](unsigned char c) { return std::isalpha(c); }))
    return;
  if (std::string_view(s).substr(dot + 1).starts_with("anthropic.")) s.erase(0, dot + 1);
}

// Trailing decorations that do not change which model is meant.
void strip_suffixes(std::string& s) {
  for (bool changed = true; changed;) {
    changed = false;
    if (!s.empty() && s.back() == ']') {  // claude-sonnet-4-5[1m]
      if (size_t b = s.rfind('['); b != std::string::npos) {
        s.resize(b);
        changed = true;
      }
    }
    if (size_t c = s.rfind(':'); c != std::string::npos && all_digits(std::string_view(s).substr(c + 1))) {
      s.resize(c);  // …-v1:0
      changed = true;
    }
    if (size_t v = s.rfind("-v"); v != std::string::npos && all_digits(std::string_view(s).substr(v + 2))) {
      s.resize(v);  // …-v1, -v2
      changed = true;
    }
    for (std::string_view tail : {"-latest"}) {
      if (s.ends_with(tail)) {
        s.resize(s.size() - tail.size());
        changed = true;
      }
    }
    // A date snapshot: -20250929 or @20250929 (Vertex spelling).
    if (s.size() > 9 && (s[s.size() - 9] == '-' || s[s.size() - 9] == '@') &&
        all_digits(std::string_view(s).substr(s.size() - 8))) {
      s.resize(s.size() - 9);
      changed = true;
    }
  }
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t i = s.find(sep, start);
    out.push_back(s.substr(start, i == std::string_view::npos ? std::string_view::npos : i - start));
    if (i == std::string_view::npos) break;
    start = i + 1;
  }
  return out;
}

constexpr std::array<std::string_view, 3> kFamilies = {"sonnet", "opus", "haiku"};

std::string dashed(std::string_view version) {
  std::string o(version);
  std::replace(o.begin(), o.end(), '.', '-');
  return o;
}

}  // namespace

std::string base_model_name(std::string_view model) {
  std::string s = lower(model);
  for (std::string_view p : {"anthropic/", "bedrock/", "aws/", "sap/", "aicore/"}) strip_prefix(s, p);
  strip_region(s);
  strip_prefix(s, "anthropic.");
  strip_prefix(s, "anthropic--");
  strip_suffixes(s);
  return s;
}

bool is_claude_model(std::string_view model) {
  const std::string raw = lower(model);
  if (raw.starts_with("anthropic--") || raw.find("anthropic.claude") != std::string::npos) return true;
  const std::string m = base_model_name(model);
  if (m.starts_with("claude")) return true;
  return std::any_of(kFamilies.begin(), kFamilies.end(),
                     [&](std::string_view f) { return m.find(f) != std::string::npos; });
}

ClaudeModel parse_model(std::string_view model) {
  ClaudeModel out;
  const std::string m = base_model_name(model);
  std::vector<std::string> numbers;
  for (std::string_view tok : split(m, '-')) {
    if (tok.empty() || tok == "claude") continue;
    if (std::find(kFamilies.begin(), kFamilies.end(), tok) != kFamilies.end()) {
      if (out.family.empty()) out.family = std::string(tok);
      continue;
    }
    // "4", "5", "4.5", "3.7": short numbers only, so an unstripped date or size never counts.
    bool numeric = !tok.empty() && tok.size() <= 5 &&
                   std::all_of(tok.begin(), tok.end(), [](unsigned char c) { return std::isdigit(c) || c == '.'; });
    if (numeric) {
      for (std::string_view part : split(tok, '.'))
        if (all_digits(part) && part.size() <= 2) numbers.emplace_back(part);
    }
  }
  if (numbers.empty()) return out;
  if (numbers.size() > 2) numbers.resize(2);
  out.major = std::stoi(numbers[0]);
  out.minor = numbers.size() > 1 ? std::stoi(numbers[1]) : 0;
  // SAP writes "4", not "4.0".
  out.version = std::to_string(out.major) + (out.minor > 0 ? "." + std::to_string(out.minor) : "");
  return out;
}

std::vector<std::string> model_candidates(std::string_view model) {
  std::vector<std::string> out;
  add_unique(out, std::string(model));
  add_unique(out, lower(model));
  const ClaudeModel cm = parse_model(model);
  if (cm.known()) {
    const std::string& f = cm.family;
    const std::string& v = cm.version;
    add_unique(out, "anthropic--claude-" + v + "-" + f);  // SAP AI Core's model name
    add_unique(out, v + "-" + f);                         // the Python proxy's config keys
    add_unique(out, "claude-" + v + "-" + f);
    // Anthropic's ids: family first since Claude 4, version first before.
    if (cm.major >= 4) {
      add_unique(out, "claude-" + f + "-" + dashed(v));
      add_unique(out, "claude-" + dashed(v) + "-" + f);
    } else {
      add_unique(out, "claude-" + dashed(v) + "-" + f);
      add_unique(out, "claude-" + f + "-" + dashed(v));
    }
    add_unique(out, "claude-" + f + "-" + v);
    add_unique(out, f + "-" + v);
  }
  add_unique(out, base_model_name(model));
  return out;
}

}  // namespace aicore::claude

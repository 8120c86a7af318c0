// Which model names are Claude, and under which names a client's Claude id may be configured.
//
// No per-release table: a name is taken apart into a family (sonnet, opus, haiku) and a version
// (3, 3.5, 3.7, 4, 4.1, 4.5, 4.6, … any future one), whatever order and separators the client used,
// and put together again in each spelling a configuration may use:
//
//   claude-sonnet-4-5, claude-sonnet-4-5-20250929, claude-4.5-sonnet, sonnet-4.5, 4.5-sonnet,
//   anthropic--claude-4.5-sonnet, anthropic.claude-sonnet-4-5-20250929-v1:0, claude-sonnet-4-5[1m]
//     -> family "sonnet", version "4.5"
//     -> candidates: <as sent>, <lower case>, anthropic--claude-4.5-sonnet (SAP's name),
//        4.5-sonnet and claude-4.5-sonnet (the Python proxy's config keys), claude-sonnet-4-5,
//        claude-sonnet-4.5, sonnet-4.5
//   claude-3-7-sonnet-20250219 -> "sonnet" "3.7" -> anthropic--claude-3.7-sonnet, 3.7-sonnet, …,
//        claude-3-7-sonnet (Anthropic's old order)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aicore::claude {

struct ClaudeModel {
  std::string family;          // "sonnet", "opus", "haiku"; empty when the name has none
  std::string version;         // "4.5", "3.7", "4"; empty when the name has none
  int major = -1, minor = -1;  // -1 when unknown; minor 0 for "4"

  bool known() const { return !family.empty() && !version.empty(); }
  // Version comparison; false when the version is unknown.
  bool at_least(int maj, int min = 0) const { return major > maj || (major == maj && minor >= min); }
};

// Lower case, without routing prefixes ("anthropic/", "bedrock/", Bedrock region and provider
// prefixes "us.anthropic."), SAP's "anthropic--", and without suffixes that do not name another
// model: a date (-20250929, @20250929), Bedrock's -v1:0, -latest, and Claude Code's [1m].
std::string base_model_name(std::string_view model);

// anthropic--*, claude*, *sonnet*, *opus*, *haiku* (after the prefixes above are removed).
bool is_claude_model(std::string_view model);

// Family and version, as far as the name tells them.
ClaudeModel parse_model(std::string_view model);

// Names under which `model` may be configured, best first, without duplicates.
std::vector<std::string> model_candidates(std::string_view model);

}  // namespace aicore::claude

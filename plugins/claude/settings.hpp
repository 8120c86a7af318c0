// The claude plugin's settings (the "claude" entry of the proxy config's plugin settings):
//
//   {"api": "invoke",                         "invoke" (default) or "converse", for every model
//    "apis": {"anthropic--claude-3.7-sonnet": "converse"},
//                                             per configured model key (or key prefix), overriding api
//    "default_max_tokens": 8192,              openai.chat requests without max_tokens
//    "thinking_budgets": {"low": 2048, "medium": 8192, "high": 16384},
//                                             budget_tokens for reasoning_effort (openai.chat) and for
//                                             adaptive thinking by output_config.effort (see
//                                             bedrock_rules.hpp); "max" uses high
//    "extra_betas": ["some-beta-2026-01-01"]} anthropic-beta values to pass to Bedrock in addition
//                                             to the built-in table, for betas newer than this build
//
// Unknown keys are rejected: a misspelt "apis" would otherwise silently keep the default path.
#pragma once

#include <aicore/mapping/settings.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aicore::claude {

enum class Api { Invoke, Converse };

// budget_tokens per reasoning effort, with Claude's defaults.
struct ThinkingBudgets : mapping::EffortLevels {
  ThinkingBudgets() : EffortLevels{2048, 8192, 16384} {}
};

struct Settings {
  Api api = Api::Invoke;
  std::vector<std::pair<std::string, Api>> apis;  // model key or prefix -> api, in config order
  int64_t default_max_tokens = 8192;
  ThinkingBudgets budgets;
  std::vector<std::string> extra_betas;

  // Throws PluginError(ACP_ERR_CONFIG, "<field>: <problem>").
  static Settings parse(std::string_view json);

  // The api for a configured model key: the longest matching "apis" key (exact or prefix), tried
  // for each of the key's candidate names, else `api`.
  Api api_for(std::string_view model) const;
};

std::string_view api_name(Api api);

}  // namespace aicore::claude

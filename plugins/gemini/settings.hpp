// The plugin's settings (config.json: plugins.settings.gemini).
//
//   {"model_names": {"my-gemini": "gemini-2.5-pro"},       model key -> Gemini model in the URL
//    "safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT",
//                         "threshold": "BLOCK_ONLY_HIGH"}], sent as safetySettings on every chat call
//    "thinking_budgets": {"low": 1024, "medium": 8192, "high": 24576}}
//                                                          reasoning_effort -> thinkingBudget
//
// The Gemini model in {deployment}/models/<model>:generateContent is the configured model key,
// unless model_names maps the key (for keys that are aliases, e.g. "gemini-pro-eu"). The host does
// not tell a plugin which deployment it picked, so the override is per key, not per deployment.
#pragma once

#include "json_util.hpp"

#include <aicore/mapping/settings.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aicore::gemini {

struct Settings {
  std::vector<std::pair<std::string, std::string>> model_names;
  Json safety_settings;                              // null: none sent
  mapping::EffortLevels budgets{1024, 8192, 24576};  // thinkingBudget per reasoning effort (-1: dynamic)

  // Throws PluginError(ACP_ERR_CONFIG, "<field>: <problem>"); unknown fields are rejected so a
  // misspelt key does not silently fall back to a default.
  static Settings parse(std::string_view json);

  // The Gemini model name for a configured model key: the model_names entry, else the key without
  // its routing prefix. Throws aicore::invalid_request when the result cannot go into a URL path.
  std::string upstream_model(std::string_view model_key) const;
};

}  // namespace aicore::gemini

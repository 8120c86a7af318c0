// The configuration messages of a Gemini API GenerateContentRequest on their way to Vertex:
// generationConfig (thinkingConfig fitted to the deployment's model, responseJsonSchema rewritten
// as responseSchema), toolConfig and safetySettings. Part of the gemini.generate_content
// pass-through (gemini_api_request.hpp); each throws aicore::invalid_request("<field>: <problem>").
#pragma once

#include "gemini_api_fields.hpp"
#include "settings.hpp"

#include <string>
#include <string_view>

namespace aicore::gemini {

// generationConfig. `model` is the Gemini model the request goes to (thinking support differs).
Json vertex_generation_config(const Json& config, const std::string& where, std::string_view model,
                              const Settings& settings, Notes& notes);

// toolConfig.
Json vertex_tool_config(const Json& config, const std::string& where, Notes& notes);

// safetySettings (a list, or one setting).
Json vertex_safety_settings(const Json& settings, const std::string& where, Notes& notes);

}  // namespace aicore::gemini

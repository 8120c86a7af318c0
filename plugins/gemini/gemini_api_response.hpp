// Vertex GenerateContentResponse -> the gemini.generate_content client's answer. Vertex and the
// Gemini API share the message, so the body passes through as it came (candidates, thought parts,
// thoughtSignature, promptFeedback, usageMetadata, responseId ...), except modelVersion, which
// names the model the client asked for rather than the deployment's.
//
//   usage  promptTokenCount -> input, candidatesTokenCount + thoughtsTokenCount -> output,
//          thoughtsTokenCount -> reasoning, cachedContentTokenCount -> cache read: as the chat
//          dialects report it (chat_response.hpp).
#pragma once

#include "context.hpp"
#include "json_util.hpp"

#include <aicore/plugin.hpp>

#include <string>
#include <string_view>

namespace aicore::gemini {

// The ABI's usage from usageMetadata; all unknown when it is not an object.
Usage gemini_api_usage(const Json& usage_metadata);

// `response` with modelVersion set to the client's model (where it was, else at the end).
void rewrite_model_version(Json& response, const ResponseContext& ctx);

// The whole response: bytes in, bytes out. Throws aicore::upstream_error for a body that is not a
// GenerateContentResponse (or carries an error object). The usage goes to `usage` when given.
std::string convert_gemini_api_response(std::string_view body, const ResponseContext& ctx, Usage* usage = nullptr);

}  // namespace aicore::gemini

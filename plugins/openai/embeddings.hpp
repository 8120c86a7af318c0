// openai.embeddings: request validation and the (near pass-through) response.
#pragma once

#include "settings.hpp"

#include <aicore/plugin.hpp>

#include <string>
#include <string_view>

namespace aicore::openai {

// `input` must be a string, an array of strings, an array of token ids or an array of token-id
// arrays. Throws aicore::invalid_request("<field>: <problem>").
UpstreamRequest convert_embeddings_request(std::string_view body, std::string_view model, const Settings& settings);

// Azure's embeddings answer already is the OpenAI shape. Returned byte-for-byte unless it carries
// Azure's prompt_filter_results; throws aicore::upstream_error for a body that is not a JSON object.
// The token usage goes to `usage` when given.
std::string convert_embeddings_response(std::string_view body, Usage* usage = nullptr);

}  // namespace aicore::openai

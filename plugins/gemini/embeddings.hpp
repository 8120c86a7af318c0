// openai.embeddings on a Gemini embedding model -> Vertex :predict, and the answer back.
//
//   input             string or array of strings -> instances[{content}] (token-id arrays are
//                     refused: Gemini embeds text)
//   task_type         (extension, as LiteLLM spells it) -> each instance's task_type
//   dimensions        -> parameters.outputDimensionality
//   encoding_format   "float" (default) or "base64" (little-endian float32, what the openai SDKs
//                     request by default and decode)
//   response          predictions[i].embeddings.values -> data[i].embedding; usage.prompt_tokens
//                     = total_tokens = the sum of embeddings.statistics.token_count
//
// The Gemini API's embedContent and batchEmbedContents (read by aicore/mapping/gemini_embed.hpp)
// go to the same :predict, keeping task types and titles.
#pragma once

#include "context.hpp"
#include "settings.hpp"

#include <aicore/plugin.hpp>

#include <string>
#include <string_view>

namespace aicore::gemini {

UpstreamRequest convert_embeddings_request(std::string_view body, std::string_view model_key,
                                           std::string_view client_model, const Settings& settings);

// The token usage goes to `usage` when given.
std::string convert_embeddings_response(std::string_view body, const ResponseContext& ctx, Usage* usage = nullptr);

// gemini.embed_content / batch_embed_contents -> the same :predict, each EmbedContentRequest one
// instance (content, task_type, title kept); outputDimensionality -> parameters.
UpstreamRequest convert_gemini_embed_request(std::string_view body, std::string_view model_key,
                                             std::string_view client_model, bool batch, const Settings& settings);

// The predictions -> {"embedding":{"values"}} or {"embeddings":[…]} (ctx.batch), usageMetadata from
// the token counts.
std::string convert_gemini_embed_response(std::string_view body, const ResponseContext& ctx, Usage* usage = nullptr);

}  // namespace aicore::gemini

// The Gemini API's embedContent and batchEmbedContents, read into what an embeddings upstream
// needs, and the answer shaped back. Both the translation onto a plugin's openai.embeddings hooks
// (GeminiOverChat) and the Gemini plugin's pass-through to Vertex :predict use these, so the two
// read the same requests the same way. Decisions: plugins/common/README.md, "Gemini API".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <aicore/mapping/changes.hpp>
#include <aicore/mapping/types.hpp>

namespace aicore::mapping {

// One EmbedContentRequest.
struct GeminiEmbedInput {
  std::string text;       // the content's text parts, joined by "\n"
  std::string task_type;  // RETRIEVAL_QUERY, …; empty when unset or TASK_TYPE_UNSPECIFIED
  std::string title;      // meant for RETRIEVAL_DOCUMENT; empty when unset
  std::optional<int64_t> output_dimensionality;
};

struct GeminiEmbedRequest {
  std::vector<GeminiEmbedInput> inputs;  // one for embedContent; requests[] for batchEmbedContents
  bool batch = false;
  // The dimensionality every input asks for (upstreams take one per call), if any asked.
  std::optional<int64_t> output_dimensionality;
};

// The body of :embedContent (`batch` false) or :batchEmbedContents (true) for `model`, the path's
// model (a body `model` must name the same one, as "models/{model}" or bare). Throws
// aicore::invalid_request("<field path>: <problem>") for malformed bodies, non-text parts (no
// embedding upstream here takes them), an unknown taskType, and requests of one batch that ask for
// different dimensionalities; drops unknown fields into `changes`. Accepts camelCase and snake_case.
GeminiEmbedRequest read_gemini_embed_request(const Json& body, std::string_view model, bool batch, Changes& changes);

// The answer: {"embedding":{"values":[…]}} for embedContent, {"embeddings":[{"values":[…]},…]}
// for a batch, with usageMetadata {promptTokenCount,totalTokenCount} when `tokens` is known (> 0).
// `vectors`: one array of numbers per input, in order.
Json gemini_embed_answer(std::vector<Json> vectors, bool batch, int64_t tokens);

}  // namespace aicore::mapping

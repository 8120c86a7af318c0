// openai.chat request -> Vertex generateContent / streamGenerateContent request.
//
//   messages   system/developer -> systemInstruction.parts; user -> role "user"; assistant ->
//              role "model"; tool (and legacy function) -> a "user" turn of functionResponse parts;
//              consecutive turns of one role are merged into one content, as Gemini requires.
//   content    text -> {text}; image_url data: URL, input_audio, file (data URL) -> inlineData;
//              https/http/gs image URLs -> fileData (mime type from the extension) or a 400 when
//              the type cannot be told; empty text is skipped (Vertex rejects empty text parts).
//   tool_calls -> functionCall {name, args} (+ thoughtSignature restored from the id);
//              tool results -> functionResponse {name (looked up by tool_call_id), response}:
//              a JSON-object result as it is, anything else wrapped as {"result": text}.
//   tools      -> tools[{functionDeclarations}] with cleaned schemas (schema.hpp); tool_choice ->
//              toolConfig.functionCallingConfig (none NONE, auto AUTO, required ANY, a named
//              function ANY + allowedFunctionNames).
//   sampling   max_completion_tokens/max_tokens -> maxOutputTokens, temperature, top_p -> topP,
//              top_k -> topK, stop -> stopSequences, n -> candidateCount, seed, presence/frequency
//              penalties; response_format json_object/json_schema -> responseMimeType
//              (+ responseSchema).
//   thinking   reasoning_effort (or an Anthropic-style "thinking" object) -> thinkingConfig,
//              clamped to what the model accepts (models.hpp).
// Everything else (user, metadata, store, logprobs, parallel_tool_calls, ...) is dropped with one
// debug log line.
#pragma once

#include "json_util.hpp"
#include "settings.hpp"

#include <aicore/plugin.hpp>  // UpstreamRequest

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aicore::gemini {

// A thinking request in either client vocabulary.
struct ThinkingRequest {
  enum class Kind { Effort, Budget, Adaptive, Disabled };
  Kind kind = Kind::Effort;
  std::string effort;  // Effort: none, minimal, low, medium, high
  int64_t budget = 0;  // Budget: tokens
};

// What the Anthropic composition knows better than the OpenAI body it produced.
struct GeminiRequestOptions {
  std::optional<ThinkingRequest> thinking;  // replaces the body's reasoning_effort
  std::optional<int64_t> top_k;
};

struct GeminiRequest {
  Json body;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
  std::string seed;            // fingerprint of the contents (seeds the tool-call ids)
};

// The OpenAI chat body -> the Gemini body. Throws aicore::invalid_request("<field>: <problem>").
GeminiRequest openai_to_gemini(const Json& openai_body, std::string_view upstream_model, bool stream_hint,
                               const Settings& settings, const GeminiRequestOptions& options = {});

// Path (and query) for a chat call on `upstream_model`.
std::string chat_target(std::string_view upstream_model, bool stream);

// The whole openai.chat dialect: parse, convert, and remember what the response side needs.
UpstreamRequest convert_chat_request(std::string_view body, std::string_view model_key, std::string_view client_model,
                                     bool stream_hint, const Settings& settings);

}  // namespace aicore::gemini

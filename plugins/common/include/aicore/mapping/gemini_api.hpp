// The Gemini API (generateContent, streamGenerateContent, countTokens) over Chat Completions: as
// with the Responses API, every provider plugin already serves openai.chat, so a
// GenerateContentRequest becomes a chat request in the canonical form the plugins share, and the
// chat answer (whole or streamed) becomes a GenerateContentResponse. Decisions:
// plugins/common/README.md, "Gemini API".
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include <aicore/mapping/changes.hpp>
#include <aicore/mapping/types.hpp>

namespace aicore::mapping {

// A GenerateContentRequest as a chat request, and what the answer needs of it.
struct GeminiAsChat {
  Json chat;                      // a Chat Completions body (stream_options.include_usage set when streaming)
  bool include_thoughts = false;  // generationConfig.thinkingConfig.includeThoughts: thought parts go back
};

// `model`: the chat `model` (the client's name, from the URL path); `stream`: whether the client
// called :streamGenerateContent (the body says nothing about it). Throws
// aicore::invalid_request("<field path>: <problem>") for what no upstream here can serve
// (cachedContent, candidateCount > 1, built-in tools, file URIs) and for malformed bodies; drops
// the rest into `changes`. Accepts the camelCase and the snake_case spelling of every field.
GeminiAsChat gemini_to_chat_request(const Json& body, std::string_view model, bool stream, Changes& changes);

// The body of a countTokens call: the request itself, or the {"generateContentRequest": {…}} form.
const Json& gemini_count_tokens_request(const Json& body);

// A part's thoughtSignature carrying Claude's signed thinking (chat `thinking_blocks`): base64 (a
// Gemini signature is bytes, so the API and its SDKs see a well-formed one) of a tag and the
// blocks' JSON, returned byte-exact with the next turn. decode_thought_signature returns an empty
// array for a signature this gateway did not write (a real Gemini one, Gemini CLI's placeholder);
// it also reads the Responses API's encrypted_content form (encode_reasoning).
std::string encode_thought_signature(const Json& thinking_blocks);
Json decode_thought_signature(std::string_view signature);

// A whole chat completion -> a GenerateContentResponse. `model_version`: the client's model name.
Json chat_to_gemini_response(const Json& chat, std::string_view model_version, bool include_thoughts);

// Chat usage -> usageMetadata (candidatesTokenCount without the thoughts, as Gemini counts them).
Json gemini_usage(const Json& chat_usage);

// chat finish_reason -> Gemini finishReason.
std::string_view gemini_finish_reason(std::string_view chat_finish_reason);

// {"error":{"code":N,"message":…,"status":<Google's status name for N>}}, as the Gemini API
// answers errors (also inside a stream).
Json gemini_error(int http_status, std::string_view message);

// Chat completion chunks -> Gemini stream chunks, one complete `data: {GenerateContentResponse}`
// SSE event per emit: a chunk per text or thought fragment as it comes, a function call once its
// arguments are complete (when the next call or other content starts, or at finish), and a last
// chunk with finishReason and usageMetadata at finish(). An error chunk ends the stream with the
// Gemini error object. Claude's signed thinking (chat `thinking_blocks`) rides in the
// thoughtSignature of the next text or function call part.
class ChatToGeminiStream {
 public:
  ChatToGeminiStream(std::string model_version, bool include_thoughts);

  void on_chunk(const Json& chunk, const Emit& emit);
  // `http_status`: what the error stands for (the classified status the chat converter reported,
  // or 0 to classify it here from its type and code).
  void on_error(const Json& error, int http_status, const Emit& emit);
  void finish(const Emit& emit);
  bool ended() const { return ended_; }

 private:
  void emit_part(Json part, const Emit& emit);
  Json with_signature(Json part);
  Json chunk(Json parts) const;
  void flush_call(const Emit& emit);

  std::string model_version_;
  bool include_thoughts_;
  bool ended_ = false;
  std::string response_id_;
  Json pending_blocks_ = Json::array();  // signed thinking not yet attached to a part
  int64_t open_index_ = -1;              // the chat tool_calls index whose arguments are still coming
  std::string call_id_, call_name_, call_args_;
  std::set<int64_t> done_calls_;
  bool malformed_call_ = false;  // a call whose arguments were no JSON object (dropped)
  std::string finish_reason_;
  Json usage_;
};

}  // namespace aicore::mapping

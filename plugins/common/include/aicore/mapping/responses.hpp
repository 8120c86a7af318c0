// The OpenAI Responses API (POST /v1/responses) over Chat Completions: every provider plugin
// already serves openai.chat, so a Responses request becomes a chat request, and the chat answer
// (whole or streamed) becomes a Response — one translation for every family, in the canonical form
// the plugins share. Decisions: plugins/common/README.md, "Responses API".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <aicore/mapping/changes.hpp>
#include <aicore/mapping/types.hpp>

namespace aicore::mapping {

// A Responses request as a chat request, and what the answer echoes of it.
struct ResponsesAsChat {
  Json chat;               // a Chat Completions body (stream_options.include_usage set when streaming)
  Json echo;               // the request's parameters a Response repeats (model, instructions, tools, …)
  bool encrypted = false;  // include: ["reasoning.encrypted_content"]
};

// Throws aicore::invalid_request("<field path>: <problem>") for what no upstream here can serve
// (previous_response_id, background, item references, hosted tools); drops the rest into `changes`.
ResponsesAsChat responses_to_chat_request(const Json& body, Changes& changes);

// A reasoning item's encrypted_content: Claude's signed thinking blocks (chat `thinking_blocks`),
// opaque to the client and returned byte-exact with the next turn. decode_reasoning returns an
// empty array for content this gateway did not write (another service's).
std::string encode_reasoning(const Json& thinking_blocks);
Json decode_reasoning(std::string_view encrypted_content);
// What marks the signed thinking this gateway encodes, in the Responses API's encrypted_content and
// in the Gemini API's thoughtSignature alike (decode_thought_signature reads both forms).
inline constexpr std::string_view kThinkingTag = "aicore.thinking.v1:";

// A whole chat completion -> a Response object.
Json chat_to_responses_response(const Json& chat, const Json& echo, bool encrypted);

// Chat usage -> Responses usage (input/output tokens with their cached and reasoning details).
Json responses_usage(const Json& chat_usage);

// Chat completion chunks -> Responses stream events, one complete `event: <type>\ndata: …` SSE event
// per emit, numbered by sequence_number. response.created / response.in_progress go out with the
// first chunk (so an upstream error before it leaves the host free to fail over); finish() closes
// the open item and ends with response.completed or response.incomplete; an error chunk ends it
// with response.failed.
class ChatToResponsesStream {
 public:
  ChatToResponsesStream(Json echo, bool encrypted);

  void on_chunk(const Json& chunk, const Emit& emit);
  void on_error(const Json& error, const Emit& emit);
  void finish(const Emit& emit);
  bool ended() const { return ended_; }

 private:
  enum class Open { None, Reasoning, Message, Call };
  void start(const Json& chunk, const Emit& emit);
  void event(const Emit& emit, std::string_view type, Json fields);
  void open_reasoning(const Emit& emit);
  void open_message(const Emit& emit);
  void open_call(const Json& call, const Emit& emit);
  void close(const Emit& emit);
  std::string item_base() const;
  Json response(std::string_view status) const;

  Json echo_;
  bool encrypted_;
  bool started_ = false;
  bool ended_ = false;
  int64_t sequence_ = 0;
  std::string base_;  // the id every item id derives from
  int64_t created_ = 0;
  Open open_ = Open::None;
  Json item_;                             // the open item as it will be when done
  std::string text_;                      // its text so far (summary, output_text or arguments)
  Json thinking_blocks_ = Json::array();  // the open reasoning item's signed thinking (chat thinking_blocks)
  std::vector<Json> output_;
  std::map<int64_t, size_t> calls_;  // chat tool_calls index -> output index
  std::string finish_reason_;
  Json usage_;
};

}  // namespace aicore::mapping

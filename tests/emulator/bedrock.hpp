#pragma once
// The aws-bedrock family (reference §3.1): Anthropic Claude behind SAP AI Core, through Bedrock's
// /invoke, /invoke-with-response-stream, /converse and /converse-stream. Shared pieces of its
// handlers: the error shape, what a validated request boils down to, and the deterministic answer.
#include "family.hpp"
#include "json.hpp"
#include "reply.hpp"

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aicore::emulator {

class Exchange;
struct Deployment;

void handleBedrockInvoke(InferenceCall& call);           // bedrock_invoke.cpp
void handleBedrockInvokeStream(InferenceCall& call);     // bedrock_invoke.cpp
void handleBedrockConverse(InferenceCall& call);         // bedrock_converse.cpp
void handleBedrockConverseStream(InferenceCall& call);   // bedrock_converse.cpp

// Bedrock errors: {"message":"…"} with x-amzn-ErrorType (ValidationException for a 400).
struct BedrockError : std::exception {
  int status = 400;
  std::string message;
  std::string type = "ValidationException";
  const char* what() const noexcept override { return message.c_str(); }
};
[[noreturn]] void bedrockFail(std::string message, int status = 400, std::string type = "ValidationException");
// "<path>: Extra inputs are not permitted"
[[noreturn]] void bedrockExtra(const std::string& path);
void sendBedrockError(Exchange& ex, const BedrockError& e);

// Which Claude a deployment serves, from its SAP model name ("anthropic--claude-4.5-sonnet").
struct ClaudeModelInfo {
  std::string family;  // sonnet, opus, haiku
  int major = 0, minor = 0;
  std::string dated;   // the name answered in "model", e.g. claude-sonnet-4-5-20250929
  bool atLeast(int maj, int min) const { return major > maj || (major == maj && minor >= min); }
  // The most output tokens the model produces (Anthropic's model table; 3.7 Sonnet with the
  // output-128k beta: 128000). Unknown models: 64000.
  int64_t maxOutputTokens(bool output128k = false) const;
};
// 400 with Anthropic's wording when max_tokens exceeds the model's limit.
void checkMaxTokens(const ClaudeModelInfo& model, int64_t maxTokens, bool output128k = false);
ClaudeModelInfo claudeModelInfo(const Deployment& d);

// anthropic_beta values Bedrock knows; anything else is 400 "invalid beta flag".
bool bedrockKnowsBeta(std::string_view beta);

// The signature the emulator puts on a thinking block, and accepts back on the next turn.
std::string thinkingSignature(std::string_view thinking);

// Prompt-token tally with prompt caching: text is added in request order (tools, system, messages);
// a cache_control marker closes a cacheable prefix. The longest marked prefix is looked up in a
// deployment's cache: what an earlier request to the same deployment wrote is read
// (cache_read_input_tokens), the rest of the marked prefix written (cache_creation_input_tokens);
// input_tokens counts what follows the last marker.
class TokenTally {
 public:
  void add(std::string_view text);   // counts ceil(chars/4) in the total, feeds the prefix hash
  void addChars(size_t chars, std::string_view identity);  // e.g. an image: 340 chars
  void message();     // a message starts: per-message framing, as the azure family counts it
  void cachePoint();  // a cache_control marker after what was added so far
  struct Usage {
    int64_t input = 0, cacheCreation = 0, cacheRead = 0;
  };
  Usage finish(const std::string& deployment) const;  // looks up and fills that deployment's cache
  int64_t total() const;  // the whole prompt: input + cache read + cache creation, cache untouched

 private:
  size_t chars_ = 0;
  int64_t overhead_ = 0;
  uint64_t hash_ = 1469598103934665603ULL;
  struct Point {
    size_t chars;
    int64_t overhead;
    uint64_t hash;
  };
  std::vector<Point> boundaries_;  // where a message starts, and every cache_control marker
  std::vector<Point> marks_;       // every cache_control marker
};

// 400 "prompt is too long: M tokens > N maximum" (Anthropic's words, passed through by Bedrock)
// when the tally exceeds the deployment's context_window. Call before finish(), so a rejected
// prompt writes nothing to the cache.
void checkClaudeContextWindow(const Deployment& d, const TokenTally& tally);

// A validated request, whatever API it came through.
struct ClaudeTurn {
  Conversation conv;
  bool thinking = false;
  TokenTally::Usage usage;
};

// The deterministic answer (README "Deterministic replies", plus a thinking block when thinking is
// enabled: "Thinking about: <what the answer echoes>", signed with thinkingSignature()).
struct ClaudeReply {
  Reply reply;
  std::string thinking;   // empty: no thinking block
  std::string signature;
  std::string stopReason;                   // end_turn, max_tokens, stop_sequence, tool_use
  std::optional<std::string> stopSequence;  // the sequence that ended the text
  int64_t outputTokens = 0;                 // reply + thinking words
  std::string toolUseId;                    // toolu_bdrk_… (invoke) or tooluse_… (converse)
};
ClaudeReply makeClaudeReply(const ClaudeTurn& turn, std::string_view toolIdPrefix);

}  // namespace aicore::emulator

#pragma once
// Deterministic "model": what the assistant answers, independent of any wire format. Each family
// translates its request into a Conversation and renders the Reply in its own shape, so every
// family answers the same question the same way and tests can predict the output.
#include "json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aicore::emulator {

struct ToolSpec {
  std::string name;
  Json parameters;  // JSON schema; may be null
};

struct Conversation {
  enum class Last { User, ToolResult, Other };
  Last last = Last::Other;
  std::vector<std::string> lastUserTexts;  // text parts of the latest user message
  bool lastUserHasImage = false;
  std::string toolResultText;  // when the last message is a tool result
  std::vector<ToolSpec> tools;
  std::string forcedTool;            // non-empty: the request forces this tool
  bool toolsDisabled = false;        // e.g. tool_choice "none"
  std::optional<int64_t> maxTokens;  // cap on reply words
  std::vector<std::string> stop;     // stop sequences
  bool jsonObject = false;           // reply must be a JSON object
  std::optional<Json> jsonSchema;    // reply must follow this schema
  std::string fingerprint;           // conversation bytes that make ids deterministic
};

struct Reply {
  enum class Finish { Stop, Length, ToolCalls };
  bool isToolCall = false;
  std::string text;  // assistant text (empty for a tool call)
  std::string toolName;
  std::string toolArguments;  // compact JSON object
  std::string toolCallHash;   // 24 hex chars; families add their prefix ("call_", "toolu_", …)
  Finish finish = Finish::Stop;
  int64_t completionTokens = 0;  // visible output tokens
};

// Test steering written into the latest user text (README "Deterministic replies"): a client whose
// tools and prompts the test does not control (Claude Code) still gets a predictable answer.
//  - "[emulator:text]": answer with text even though tools are offered (a forced tool_choice wins);
//  - "[emulator:tool NAME]" or "[emulator:tool NAME {json}]": call tool NAME if it is offered, with
//    those arguments (else ones built from its schema).
struct Steering {
  bool text = false;
  std::string tool;
  std::optional<Json> toolArguments;
};
Steering steeringOf(const Conversation& conv);

// Rules (README "Deterministic replies"):
//  - tools offered, last message from the user, tools not disabled → call the forced tool or the
//    first tool (or the one steering names), with each required parameter filled by type, unless
//    steering asks for text;
//  - last message a tool result → "Tool result: <content>";
//  - otherwise "Echo: <last user text>" (+ " [image]"), or JSON when a JSON format is requested;
//  - stop sequences cut the text; maxTokens truncates to that many words (finish Length).
Reply makeReply(const Conversation& conv);

// A value satisfying `schema`: each required property set by type (string "test", number 1,
// boolean true, array [], object recursively), enums take their first value.
Json valueFromSchema(const Json& schema);

// Rough token estimate used for usage numbers: ceil(chars / 4).
int64_t tokensForChars(size_t chars);

}  // namespace aicore::emulator

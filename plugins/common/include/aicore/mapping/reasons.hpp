// Finish / stop reason tables, in one place.
//
//   Anthropic stop_reason          OpenAI finish_reason
//   end_turn, stop_sequence,  -->  stop
//   pause_turn
//   max_tokens,               -->  length
//   model_context_window_exceeded
//   tool_use                  -->  tool_calls
//   refusal                   -->  content_filter
//
//   stop           --> end_turn (stop_sequence when the caller knows a stop sequence matched)
//   length         --> max_tokens
//   tool_calls,
//   function_call  --> tool_use
//   content_filter --> refusal
#pragma once

#include <string_view>

namespace aicore::mapping {

// Unknown or empty -> "stop" (empty input gives empty output: "no reason yet").
std::string_view openai_finish_reason(std::string_view anthropic_stop_reason);
// Unknown -> "end_turn"; empty input gives empty output.
std::string_view anthropic_stop_reason(std::string_view openai_finish_reason);

}  // namespace aicore::mapping

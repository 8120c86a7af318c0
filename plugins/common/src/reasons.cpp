#include <aicore/mapping/reasons.hpp>

namespace aicore::mapping {

std::string_view openai_finish_reason(std::string_view r) {
  if (r.empty()) return {};
  if (r == "max_tokens" || r == "model_context_window_exceeded") return "length";
  if (r == "tool_use") return "tool_calls";
  if (r == "refusal") return "content_filter";
  return "stop";  // end_turn, stop_sequence, pause_turn and anything new
}

std::string_view anthropic_stop_reason(std::string_view r) {
  if (r.empty()) return {};
  if (r == "length") return "max_tokens";
  if (r == "tool_calls" || r == "function_call") return "tool_use";
  if (r == "content_filter") return "refusal";
  return "end_turn";
}

}  // namespace aicore::mapping

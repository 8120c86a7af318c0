#include "test_support.hpp"

using aicore::mapping::anthropic_stop_reason;
using aicore::mapping::openai_finish_reason;

TEST(Reasons, AnthropicToOpenAI) {
  EXPECT_EQ(openai_finish_reason("end_turn"), "stop");
  EXPECT_EQ(openai_finish_reason("stop_sequence"), "stop");
  EXPECT_EQ(openai_finish_reason("pause_turn"), "stop");
  EXPECT_EQ(openai_finish_reason("max_tokens"), "length");
  EXPECT_EQ(openai_finish_reason("model_context_window_exceeded"), "length");
  EXPECT_EQ(openai_finish_reason("tool_use"), "tool_calls");
  EXPECT_EQ(openai_finish_reason("refusal"), "content_filter");
  EXPECT_EQ(openai_finish_reason("something_new"), "stop");
  EXPECT_EQ(openai_finish_reason(""), "");
}

TEST(Reasons, OpenAIToAnthropic) {
  EXPECT_EQ(anthropic_stop_reason("stop"), "end_turn");
  EXPECT_EQ(anthropic_stop_reason("length"), "max_tokens");
  EXPECT_EQ(anthropic_stop_reason("tool_calls"), "tool_use");
  EXPECT_EQ(anthropic_stop_reason("function_call"), "tool_use");
  EXPECT_EQ(anthropic_stop_reason("content_filter"), "refusal");
  EXPECT_EQ(anthropic_stop_reason("something_new"), "end_turn");
  EXPECT_EQ(anthropic_stop_reason(""), "");
}

TEST(Reasons, RoundTripsWhereBothSidesHaveTheReason) {
  for (const char* r : {"end_turn", "max_tokens", "tool_use", "refusal"})
    EXPECT_EQ(anthropic_stop_reason(openai_finish_reason(r)), r);
  for (const char* r : {"stop", "length", "tool_calls", "content_filter"})
    EXPECT_EQ(openai_finish_reason(anthropic_stop_reason(r)), r);
}

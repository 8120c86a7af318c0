// The typed stream events of ABI 1.1 the gemini plugin reports: usage as usageMetadata arrives
// (cached and thought tokens included), the end after [DONE] / message_stop, and Vertex's
// UNAVAILABLE classified as a retryable 503 in both client dialects.
#include "test_support.hpp"

#include "gemini/chat_stream.hpp"

#include "support/event_sink.hpp"

using namespace gemini_test;
using aicore::gemini::AnthropicMessagesStream;
using aicore::gemini::OpenAIChatStream;
using aicore::gemini::ResponseContext;
using plugin_test::EventLog;

namespace {
ResponseContext ctx() {
  ResponseContext c;
  c.client_model = "gemini-2.5-pro";
  c.seed = "00112233aabbccdd";
  return c;
}
}  // namespace

TEST(Events, OpenAIStreamReportsUsageTheClientDidNotAskForAndEndsAfterDone) {
  EventLog log;
  OpenAIChatStream s(ctx(), 1700000000);
  s.feed(fixture("gemini_text.sse"), log.sink());
  s.finish(log.sink());
  EXPECT_EQ(log.usage.input_tokens, 120);
  EXPECT_EQ(log.usage.output_tokens, 49);  // candidates + thoughts
  EXPECT_EQ(log.usage.cache_read_tokens, 100);
  EXPECT_EQ(log.usage.reasoning_tokens, 40);
  EXPECT_EQ(log.events.back(), "data: [DONE]\n\n");
  EXPECT_EQ(log.calls.back(), "end");
  EXPECT_EQ(log.count("end"), 1);
}

TEST(Events, AnthropicStreamEndsAfterMessageStop) {
  EventLog log;
  AnthropicMessagesStream s(ctx(), 1700000000);
  s.feed(fixture("gemini_text.sse"), log.sink());
  s.finish(log.sink());
  EXPECT_NE(log.events.back().find("message_stop"), std::string::npos);
  EXPECT_EQ(log.calls.back(), "end");
  EXPECT_EQ(log.count("end"), 1);
  EXPECT_EQ(log.usage.input_tokens, 120);
}

TEST(Events, VertexUnavailableIsARetryable503InBothDialects) {
  EventLog openai;
  OpenAIChatStream o(ctx(), 1700000000);
  o.feed(fixture("gemini_error.sse"), openai.sink());
  o.finish(openai.sink());
  const std::vector<std::string> tail(openai.calls.end() - 2, openai.calls.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"upstream_error 1 503 api_error", "event"}));
  EXPECT_EQ(openai.error_message, "The model is overloaded. Please try again later.");

  EventLog anthropic;
  AnthropicMessagesStream a(ctx(), 1700000000);
  a.feed(fixture("gemini_error.sse"), anthropic.sink());
  a.finish(anthropic.sink());
  const std::vector<std::string> last(anthropic.calls.end() - 3, anthropic.calls.end());
  EXPECT_EQ(last, (std::vector<std::string>{"upstream_error 1 503 api_error", "event", "end"}));
}

// The typed stream events of ABI 1.1 the claude plugin reports: usage with Bedrock's cache counts,
// the end after message_stop (Anthropic clients) or [DONE] (OpenAI clients), and a Bedrock
// exception classified before its client error event.
#include "test_support.hpp"

#include "claude/chat_stream.hpp"
#include "claude/invoke_stream.hpp"
#include "claude/messages_stream.hpp"

#include "support/event_sink.hpp"

using namespace claude_test;
using namespace aicore::claude;
using plugin_test::EventLog;

TEST(Events, MessagesStreamReportsUsageAndEndsAfterMessageStop) {
  EventLog log;
  MessagesStreamConverter c(std::make_unique<InvokeEventSource>());
  c.feed("data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":10,"
         "\"cache_read_input_tokens\":200,\"cache_creation_input_tokens\":30,\"output_tokens\":1}}}\n\n",
         log.sink());
  c.feed(fixture("bedrock_text.sse").substr(fixture("bedrock_text.sse").find("data: {\"type\":\"content_block_start\"")),
         log.sink());
  c.finish(log.sink());
  EXPECT_EQ(log.usage.input_tokens, 240);  // input + cache read + cache write
  EXPECT_EQ(log.usage.cache_read_tokens, 200);
  EXPECT_EQ(log.usage.cache_write_tokens, 30);
  EXPECT_EQ(log.usage.output_tokens, 5);
  EXPECT_EQ(log.calls.back(), "end");
  EXPECT_EQ(log.count("end"), 1);
}

TEST(Events, AMissingMessageStopIsAddedAndEndsTheStream) {
  EventLog log;
  MessagesStreamConverter c(std::make_unique<InvokeEventSource>());
  std::string text = fixture("bedrock_text.sse");
  c.feed(text.substr(0, text.find("data: {\"type\":\"message_stop\"")), log.sink());
  c.finish(log.sink());
  EXPECT_NE(log.events.back().find("message_stop"), std::string::npos);
  EXPECT_EQ(log.calls.back(), "end");
}

TEST(Events, ABedrockThrottlingExceptionIsARetryable429ForBothDialects) {
  EventLog anthropic;
  MessagesStreamConverter m(std::make_unique<InvokeEventSource>());
  m.feed(fixture("bedrock_error.sse"), anthropic.sink());
  m.finish(anthropic.sink());
  const std::vector<std::string> tail(anthropic.calls.end() - 3, anthropic.calls.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"upstream_error 1 429 rate_limit_error", "event", "end"}));
  EXPECT_EQ(anthropic.error_message, "Too many tokens, please wait before trying again.");

  EventLog openai;
  ResponseContext ctx;
  ctx.client_model = "claude-x";
  ChatStreamConverter c(std::make_unique<InvokeEventSource>(), ctx, 1700000000);
  c.feed(fixture("bedrock_error.sse"), openai.sink());
  c.finish(openai.sink());
  const std::vector<std::string> last(openai.calls.end() - 2, openai.calls.end());
  EXPECT_EQ(last, (std::vector<std::string>{"upstream_error 1 429 rate_limit_error", "event"}));  // no end: the host adds [DONE]
}

TEST(Events, ChatStreamEndsAfterDoneWithUsageTheClientDidNotAskFor) {
  EventLog log;
  ResponseContext ctx;
  ctx.client_model = "claude-x";
  ChatStreamConverter c(std::make_unique<InvokeEventSource>(), ctx, 1700000000);
  c.feed(fixture("bedrock_text.sse"), log.sink());
  c.finish(log.sink());
  EXPECT_EQ(log.events.back(), "data: [DONE]\n\n");
  EXPECT_EQ(log.calls.back(), "end");
  EXPECT_GT(log.usage.input_tokens, 0);
  EXPECT_EQ(log.usage.output_tokens, 5);
  for (const auto& e : log.events) EXPECT_EQ(e.find("\"usage\":{"), std::string::npos) << e;
}

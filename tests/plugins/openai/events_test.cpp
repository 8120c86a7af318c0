// The typed stream events of ABI 1.1 the openai plugin reports beside its client events: usage
// (also when the client did not ask for it), the end after [DONE] / message_stop, and an error
// Azure streams, classified before its client event.
#include "test_support.hpp"

#include "openai/anthropic_messages.hpp"
#include "openai/chat_response.hpp"
#include "openai/chat_stream.hpp"
#include "openai/embeddings.hpp"

#include "support/event_sink.hpp"

using namespace openai_test;
using aicore::openai::AnthropicContext;
using aicore::openai::AnthropicStreamConverter;
using aicore::openai::ChatStreamConverter;
using aicore::openai::ResponseContext;
using plugin_test::EventLog;

TEST(Events, ChatStreamReportsUsageTheClientDidNotAskForAndEndsAfterDone) {
  EventLog log;
  ChatStreamConverter c(ResponseContext{false});
  c.feed(fixture("azure_text.sse"), log.sink());
  c.finish(log.sink());
  EXPECT_EQ(log.usage.input_tokens, 14);
  EXPECT_EQ(log.usage.output_tokens, 9);
  EXPECT_EQ(log.usage.cache_read_tokens, 0);
  EXPECT_EQ(log.usage.reasoning_tokens, 0);
  EXPECT_EQ(log.events.back(), "data: [DONE]\n\n");
  EXPECT_EQ(log.calls.back(), "end");
  EXPECT_EQ(log.count("end"), 1);
  for (const auto& e : log.events) EXPECT_EQ(e.find("\"usage\""), std::string::npos) << e;
}

TEST(Events, AnErrorAzureStreamsIsClassifiedBeforeItsEventAndDoesNotEndTheOpenAIStream) {
  EventLog log;
  ChatStreamConverter c(ResponseContext{false});
  c.feed(fixture("azure_error.sse"), log.sink());
  c.finish(log.sink());
  const std::vector<std::string> tail(log.calls.end() - 2, log.calls.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"upstream_error 1 502 server_error", "event"}));
  EXPECT_EQ(log.error_message, "The server had an error while processing your request. Sorry about that!");
  EXPECT_EQ(log.count("end"), 0);  // OpenAI clients get [DONE] from the host after an error event

  EventLog limited;
  ChatStreamConverter r(ResponseContext{false});
  r.feed("data: {\"error\":{\"message\":\"Requests have exceeded the rate limit.\",\"type\":null,\"code\":\"429\"}}\n\n",
         limited.sink());
  EXPECT_EQ(limited.calls.front(), "upstream_error 1 429 429");
  EventLog filtered;
  ChatStreamConverter f(ResponseContext{false});
  f.feed("data: {\"error\":{\"message\":\"filtered\",\"type\":\"invalid_request_error\",\"code\":\"content_filter\"}}\n\n",
         filtered.sink());
  EXPECT_EQ(filtered.calls.front(), "upstream_error 0 400 invalid_request_error");  // not worth another deployment
}

TEST(Events, AnthropicStreamOnGptEndsAfterMessageStopWithTheRealUsage) {
  EventLog log;
  AnthropicStreamConverter c(AnthropicContext{"claude-x", 999});
  c.feed(fixture("azure_text.sse"), log.sink());
  c.finish(log.sink());
  EXPECT_EQ(log.calls.back(), "end");
  EXPECT_EQ(log.count("end"), 1);
  EXPECT_NE(log.events.back().find("message_stop"), std::string::npos);
  EXPECT_EQ(log.usage.input_tokens, 14);  // Azure's count, not the estimate message_start carried
  EXPECT_EQ(log.usage.output_tokens, 9);
}

TEST(Events, WholeResponsesReportTheirUsage) {
  aicore::Usage chat;
  aicore::openai::convert_chat_response(fixture("chat_response.azure.json"), &chat);
  EXPECT_GT(chat.input_tokens, 0);
  EXPECT_GT(chat.output_tokens, 0);
  aicore::Usage embeddings;
  aicore::openai::convert_embeddings_response(fixture("embeddings.azure.json"), &embeddings);
  EXPECT_GT(embeddings.input_tokens, 0);
  EXPECT_EQ(embeddings.output_tokens, -1);
}

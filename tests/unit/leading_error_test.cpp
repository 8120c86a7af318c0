// The first-event check that lets a stream whose first upstream event is an error fail over.
#include "plugin/LegacyEvents.hpp"

#include <gtest/gtest.h>

using aicore::host::ends_stream;
using aicore::host::Family;
using aicore::host::leading_retryable_error;

TEST(LeadingError, OpenAIRateLimitAndServerErrorsAreRetryable) {
  auto e = leading_retryable_error(
      Family::OpenAI, "data: {\"error\":{\"message\":\"Requests to the deployment have exceeded the rate limit.\",\"type\":null,\"code\":\"429\"}}\n\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 429);
  EXPECT_EQ(e->message, "Requests to the deployment have exceeded the rate limit.");
  e = leading_retryable_error(Family::OpenAI, "data:{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\r\n\r\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 502);
  EXPECT_EQ(e->message, "boom");
  // Emitted together with the end of the stream: the first event decides.
  e = leading_retryable_error(Family::OpenAI, "data: {\"error\":{\"message\":\"x\",\"type\":\"api_error\"}}\n\ndata: [DONE]\n\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 502);
}

TEST(LeadingError, AnthropicOverloadedAndApiErrorsAreRetryable) {
  auto e = leading_retryable_error(
      Family::Anthropic, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 503);
  e = leading_retryable_error(
      Family::Anthropic, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Too many tokens\"}}\n\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 429);
}

TEST(LeadingError, ClientErrorsAndOrdinaryEventsAreNot) {
  EXPECT_FALSE(leading_retryable_error(
      Family::OpenAI, "data: {\"error\":{\"message\":\"content filtered\",\"type\":\"invalid_request_error\",\"code\":\"content_filter\"}}\n\n"));
  EXPECT_FALSE(leading_retryable_error(
      Family::Anthropic, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long\"}}\n\n"));
  // A text delta that merely mentions an error, and an Anthropic event of another type.
  EXPECT_FALSE(leading_retryable_error(
      Family::OpenAI, "data: {\"choices\":[{\"delta\":{\"content\":\"error\"}}]}\n\n"));
  EXPECT_FALSE(leading_retryable_error(
      Family::Anthropic, "event: message_start\ndata: {\"type\":\"message_start\",\"error\":{\"type\":\"api_error\"}}\n\n"));
  EXPECT_FALSE(leading_retryable_error(Family::OpenAI, "data: {\"error\": not json\n\n"));
  EXPECT_FALSE(leading_retryable_error(Family::OpenAI, ": comment error\n\n"));
}

TEST(Dialect, EndsStreamRecognisesEachDialectsLastEvent) {
  EXPECT_TRUE(ends_stream(Family::OpenAI, "data: [DONE]\n\n"));
  EXPECT_TRUE(ends_stream(Family::OpenAI, "data: {\"choices\":[]}\n\ndata: [DONE]\n\n"));
  EXPECT_FALSE(ends_stream(Family::OpenAI, "data: {\"choices\":[{\"delta\":{\"content\":\"data: [DONE]\"}}]}\n\n"));
  EXPECT_TRUE(ends_stream(Family::Anthropic, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
  EXPECT_TRUE(ends_stream(Family::Anthropic, "event: error\ndata: {\"type\":\"error\",\"error\":{}}\n\n"));
  EXPECT_TRUE(ends_stream(Family::Anthropic,
                          "event: message_delta\ndata: {}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
  EXPECT_FALSE(ends_stream(Family::Anthropic, "event: message_delta\ndata: {\"type\":\"message_delta\"}\n\n"));
  EXPECT_FALSE(ends_stream(Family::Anthropic, "event: content_block_delta\ndata: {\"text\":\"event: message_stop\\n\"}\n\n"));
}

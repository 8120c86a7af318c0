// The Gemini API's path and query: model and method from /v1beta/models/{model}:{method}, the
// SSE switch and the ?key= parameter.
#include <gtest/gtest.h>

#include <aicore/errors.hpp>

#include "plugin/Family.hpp"
#include "server/Dialect.hpp"
#include "server/GeminiPath.hpp"

using namespace aicore::host;

TEST(GeminiPath, ModelAndMethodFromEachApiVersion) {
  for (const char* p : {"/v1beta/models/gemini-2.5-pro:generateContent", "/v1/models/gemini-2.5-pro:generateContent",
                        "/v1alpha/models/gemini-2.5-pro:generateContent"}) {
    auto g = parse_gemini_path(p);
    ASSERT_TRUE(g) << p;
    EXPECT_EQ(g->model, "gemini-2.5-pro");
    EXPECT_EQ(g->method, "generateContent");
  }
  auto s = parse_gemini_path("/v1beta/models/anthropic--claude-4.5-sonnet:streamGenerateContent");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->model, "anthropic--claude-4.5-sonnet");
  EXPECT_EQ(s->method, "streamGenerateContent");
}

TEST(GeminiPath, ListingAndOneModel) {
  auto list = parse_gemini_path("/v1beta/models");
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->model.empty());
  EXPECT_TRUE(list->method.empty());
  auto one = parse_gemini_path("/v1beta/models/gpt-4o");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->model, "gpt-4o");
  EXPECT_TRUE(one->method.empty());
}

TEST(GeminiPath, PercentEncodedModelIsDecoded) {
  auto g = parse_gemini_path("/v1beta/models/my%20model:countTokens");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->model, "my model");
  EXPECT_EQ(g->method, "countTokens");
}

TEST(GeminiPath, NotGeminiPaths) {
  for (const char* p : {"/v1/chat/completions", "/v1beta/modelsx", "/v1beta/models/", "/v1beta/models/:generateContent",
                        "/v1beta/models/%zz:generateContent", "/v2/models/x:generateContent", ""})
    EXPECT_FALSE(parse_gemini_path(p)) << p;
}

TEST(GeminiPath, QuerySseAndKey) {
  EXPECT_TRUE(query_wants_sse("/v1beta/models/m:streamGenerateContent?alt=sse"));
  EXPECT_TRUE(query_wants_sse("/x?key=k&alt=sse"));
  EXPECT_FALSE(query_wants_sse("/x?alt=json"));
  EXPECT_FALSE(query_wants_sse("/x?salt=sse"));
  EXPECT_FALSE(query_wants_sse("/x"));
  EXPECT_EQ(query_api_key("/x?alt=sse&key=abc%2Bd"), "abc+d");
  EXPECT_EQ(query_api_key("/x?monkey=abc"), "");
  EXPECT_EQ(query_api_key("/x?key="), "");
}

TEST(GeminiErrors, BodyAndStatusNames) {
  EXPECT_EQ(error_body(Family::Gemini, 404, "models/x is not found"),
            R"({"error":{"code":404,"message":"models/x is not found","status":"NOT_FOUND"}})");
  EXPECT_EQ(aicore::gemini_error_status(429), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(aicore::gemini_error_status(401), "UNAUTHENTICATED");
  EXPECT_EQ(aicore::gemini_error_status(503), "UNAVAILABLE");
  EXPECT_EQ(aicore::gemini_error_status(500), "INTERNAL");
  EXPECT_EQ(stream_error_event(kGeminiGenerateContent, 502, "cut", 3),
            "data: {\"error\":{\"code\":502,\"message\":\"cut\",\"status\":\"UNAVAILABLE\"}}\n\n");
  EXPECT_EQ(family_of("gemini.generate_content"), Family::Gemini);
  EXPECT_EQ(family_of("gemini.count_tokens"), Family::Gemini);
}

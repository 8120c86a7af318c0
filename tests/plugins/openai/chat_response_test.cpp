#include "test_support.hpp"

#include "openai/chat_response.hpp"

using namespace openai_test;
using aicore::openai::convert_chat_response;

TEST(ChatResponse, RemovesAzureFiltersKeepsEverythingElseInOrder) {
  EXPECT_JSON_EQ(Json::parse(convert_chat_response(fixture("chat_response.azure.json"))),
                 fixture_json("chat_response.expected.json"));
}

TEST(ChatResponse, ToolCallsLogprobsAndUsageDetailsSurvive) {
  EXPECT_JSON_EQ(Json::parse(convert_chat_response(fixture("chat_response_tools.azure.json"))),
                 fixture_json("chat_response_tools.expected.json"));
}

TEST(ChatResponse, OpenAIShapedBodyIsUnchanged) {
  const char* body =
      R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,)"
      R"("message":{"role":"assistant","content":"hi"},"logprobs":null,"finish_reason":"stop"}],)"
      R"("usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2},"system_fingerprint":"fp_1"})";
  EXPECT_EQ(convert_chat_response(body), body);
}

TEST(ChatResponse, UnusableBodyIsAnUpstreamError) {
  for (const char* body : {"", "{\"choices\": [", "[]", "\"text\"", "Your request has been rate limited by AI Core"}) {
    try {
      convert_chat_response(body);
      ADD_FAILURE() << "accepted: " << body;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_UPSTREAM) << body;
      EXPECT_EQ(e.type, "api_error") << body;
    }
  }
}

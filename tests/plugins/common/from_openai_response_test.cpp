// OpenAI chat.completion -> Anthropic message.
#include "test_support.hpp"

using namespace mapping_test;
using aicore::mapping::openai_to_anthropic_response;

namespace {

class FromOpenAIGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(FromOpenAIGolden, MatchesFixture) {
  const std::string name = GetParam();
  Json out = openai_to_anthropic_response(fixture_json("from_openai/" + name + ".completion.json"), "gpt-4o");
  expect_golden_json(out, "from_openai/" + name + ".message.json");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FromOpenAIGolden,
                         ::testing::Values("text", "tools", "length", "content_filter", "refusal", "reasoning"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace

TEST(FromOpenAIResponse, CachedTokensAreReportedAsCacheReads) {
  Json out = openai_to_anthropic_response(fixture_json("from_openai/text.completion.json"), "gpt-4o");
  EXPECT_EQ(out["usage"], Json::parse(
                              R"({"input_tokens":94,"cache_creation_input_tokens":0,"cache_read_input_tokens":1920,"output_tokens":7})"));
  EXPECT_EQ(out["id"], "msg_B9xQe7TnR2pLk4Vw8sYzA1bC3dE5f");
}

TEST(FromOpenAIResponse, ToolCallsAnsweredWithStopAreStillToolUse) {
  Json c = fixture_json("from_openai/tools.completion.json");
  c["choices"][0]["finish_reason"] = "stop";
  EXPECT_EQ(openai_to_anthropic_response(c, "m")["stop_reason"], "tool_use");
}

TEST(FromOpenAIResponse, UnusableUpstreamBodiesAreUpstreamErrors) {
  EXPECT_EQ(error_of([] { openai_to_anthropic_response(Json::array(), "m"); }), "chat completion: not a JSON object");
  EXPECT_EQ(error_of([] { openai_to_anthropic_response(Json::parse(R"({"choices":[]})"), "m"); }),
            "chat completion: no choices");
  EXPECT_EQ(error_of([] { openai_to_anthropic_response(Json::parse(R"({"choices":[{"index":0}]})"), "m"); }),
            "chat completion: choices[0].message missing");
}

// Anthropic message -> OpenAI chat.completion.
#include "test_support.hpp"

using namespace mapping_test;
using aicore::mapping::anthropic_to_openai_response;
using aicore::mapping::FromAnthropicOptions;

namespace {

struct Case {
  const char* name;
  bool json_tool;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class FromAnthropicGolden : public ::testing::TestWithParam<Case> {};

TEST_P(FromAnthropicGolden, MatchesFixture) {
  const std::string name = GetParam().name;
  FromAnthropicOptions o;
  o.json_response_tool = GetParam().json_tool;
  Json out = anthropic_to_openai_response(fixture_json("from_anthropic/" + name + ".message.json"), "claude-sonnet-4-5",
                                          1700000000, o);
  expect_golden_json(out, "from_anthropic/" + name + ".completion.json");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FromAnthropicGolden,
                         ::testing::Values(Case{"text", false}, Case{"tools", false}, Case{"thinking", false},
                                           Case{"refusal", false}, Case{"json_tool", true}, Case{"stop_sequence", false}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace

TEST(FromAnthropicResponse, UsageCountsCacheInsidePromptTokens) {
  Json out = anthropic_to_openai_response(fixture_json("from_anthropic/text.message.json"), "m", 0);
  EXPECT_EQ(out["usage"]["prompt_tokens"], 12 + 100 + 2000);
  EXPECT_EQ(out["usage"]["completion_tokens"], 30);
  EXPECT_EQ(out["usage"]["total_tokens"], 2142);
  EXPECT_EQ(out["usage"]["prompt_tokens_details"]["cached_tokens"], 2000);
  EXPECT_EQ(out["id"], "chatcmpl-bdrk_01TextAbcDef");
}

TEST(FromAnthropicResponse, JsonToolWithoutTheOptionIsAnOrdinaryToolCall) {
  Json out = anthropic_to_openai_response(fixture_json("from_anthropic/json_tool.message.json"), "m", 0);
  EXPECT_EQ(out["choices"][0]["finish_reason"], "tool_calls");
  EXPECT_EQ(out["choices"][0]["message"]["tool_calls"][0]["function"]["name"], "json_response");
}

TEST(FromAnthropicResponse, UnusableUpstreamBodiesAreUpstreamErrors) {
  EXPECT_EQ(error_of([] { anthropic_to_openai_response(Json::array(), "m", 0); }), "message: not a JSON object");
  EXPECT_EQ(error_of([] { anthropic_to_openai_response(Json::parse(R"({"type":"message"})"), "m", 0); }),
            "message: no content array");
  try {
    anthropic_to_openai_response(Json::object(), "m", 0);
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_UPSTREAM);
  }
}

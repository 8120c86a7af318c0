// OpenAI chat request -> Anthropic Messages request: golden fixtures, option handling, and every
// client mistake with its exact message.
#include "test_support.hpp"

using namespace mapping_test;
using aicore::mapping::openai_to_anthropic_request;
using aicore::mapping::ToAnthropicOptions;
using aicore::mapping::uses_json_response_tool;

namespace {

class ToAnthropicGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(ToAnthropicGolden, MatchesFixture) {
  const std::string name = GetParam();
  Json out = openai_to_anthropic_request(fixture_json("to_anthropic/" + name + ".openai.json"));
  expect_golden_json(out, "to_anthropic/" + name + ".anthropic.json");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ToAnthropicGolden,
                         ::testing::Values("plain", "merge", "tools", "images", "cache_control", "reasoning",
                                           "reasoning_tool_history", "reasoning_thinking_blocks", "json_schema",
                                           "json_schema_thinking", "json_object", "legacy_functions"),
                         [](const auto& info) { return std::string(info.param); });

Json user(std::string text) { return Json::parse(R"({"messages":[{"role":"user","content":")" + text + R"("}]})"); }

Json with_tools(Json body) {
  body["tools"] = Json::parse(R"([{"type":"function","function":{"name":"f"}}])");
  return body;
}

}  // namespace

TEST(ToAnthropic, InvalidRequestsHaveExactMessages) {
  for (const Json& c : fixture_json("to_anthropic/invalid.json")) {
    std::string err = error_of([&] { openai_to_anthropic_request(c["body"]); });
    EXPECT_EQ(err, c["error"].get<std::string>()) << c["body"].dump();
  }
}

TEST(ToAnthropic, InvalidRequestsAreInvalidRequestErrors) {
  try {
    openai_to_anthropic_request(Json::parse(R"({"messages":[]})"));
    FAIL() << "no throw";
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST);
    EXPECT_EQ(e.http_status, 400);
    EXPECT_EQ(e.type, "invalid_request_error");
  }
}

TEST(ToAnthropic, DefaultMaxTokensComesFromOptions) {
  ToAnthropicOptions o;
  o.default_max_tokens = 1234;
  EXPECT_EQ(openai_to_anthropic_request(user("hi"), o)["max_tokens"], 1234);
  EXPECT_EQ(openai_to_anthropic_request(user("hi"))["max_tokens"], 8192);
  // max_completion_tokens wins over max_tokens.
  Json b = user("hi");
  b["max_tokens"] = 10;
  b["max_completion_tokens"] = 20;
  EXPECT_EQ(openai_to_anthropic_request(b)["max_tokens"], 20);
}

TEST(ToAnthropic, ToolChoiceTable) {
  struct Case {
    const char* openai;
    const char* anthropic;  // "" = no tool_choice
  };
  for (const Case& c : {Case{R"("auto")", R"({"type":"auto"})"}, Case{R"("none")", R"({"type":"none"})"},
                        Case{R"("required")", R"({"type":"any"})"},
                        Case{R"({"type":"function","function":{"name":"f"}})", R"({"type":"tool","name":"f"})"}}) {
    Json b = with_tools(user("x"));
    b["tool_choice"] = Json::parse(c.openai);
    EXPECT_EQ(openai_to_anthropic_request(b)["tool_choice"], Json::parse(c.anthropic)) << c.openai;
  }
  // tool_choice without tools is dropped; parallel_tool_calls:false alone yields auto + disable.
  Json b = user("x");
  b["tool_choice"] = "required";
  EXPECT_FALSE(openai_to_anthropic_request(b).contains("tool_choice"));
  b = with_tools(user("x"));
  b["parallel_tool_calls"] = false;
  EXPECT_EQ(openai_to_anthropic_request(b)["tool_choice"], Json::parse(R"({"type":"auto","disable_parallel_tool_use":true})"));
  b["tool_choice"] = "none";
  EXPECT_EQ(openai_to_anthropic_request(b)["tool_choice"], Json::parse(R"({"type":"none"})"));
  b["parallel_tool_calls"] = true;
  b["tool_choice"] = "required";
  EXPECT_EQ(openai_to_anthropic_request(b)["tool_choice"], Json::parse(R"({"type":"any"})"));
}

TEST(ToAnthropic, ReasoningEffortBudgets) {
  ToAnthropicOptions o;
  for (auto [effort, budget] : std::vector<std::pair<const char*, int64_t>>{
           {"low", o.budget_low}, {"medium", o.budget_medium}, {"high", o.budget_high}, {"xhigh", o.budget_high}}) {
    Json b = user("x");
    b["reasoning_effort"] = effort;
    Json out = openai_to_anthropic_request(b, o);
    EXPECT_EQ(out["thinking"], Json::parse(R"({"type":"enabled","budget_tokens":)" + std::to_string(budget) + "}")) << effort;
    EXPECT_GT(out["max_tokens"].get<int64_t>(), budget) << effort;
  }
  for (const char* off : {"minimal", "none"}) {
    Json b = user("x");
    b["reasoning_effort"] = off;
    EXPECT_FALSE(openai_to_anthropic_request(b).contains("thinking")) << off;
  }
  // A budget below Anthropic's minimum is raised to 1024.
  o.budget_low = 10;
  Json b = user("x");
  b["reasoning_effort"] = "low";
  EXPECT_EQ(openai_to_anthropic_request(b, o)["thinking"]["budget_tokens"], 1024);
}

TEST(ToAnthropic, ExplicitThinkingObjectPassesThrough) {
  Json b = user("x");
  b["thinking"] = Json::parse(R"({"type":"enabled","budget_tokens":2048})");
  b["reasoning_effort"] = "high";  // the explicit object wins
  b["max_tokens"] = 3000;
  Json out = openai_to_anthropic_request(b);
  EXPECT_EQ(out["thinking"], b["thinking"]);
  EXPECT_EQ(out["max_tokens"], 3000);
  b["thinking"] = Json::parse(R"({"type":"disabled"})");
  EXPECT_FALSE(openai_to_anthropic_request(b).contains("thinking"));
}

TEST(ToAnthropic, ForcedToolChoiceTurnsThinkingOff) {
  Json b = with_tools(user("x"));
  b["reasoning_effort"] = "high";
  b["tool_choice"] = "required";
  b["temperature"] = 0.4;
  Json out = openai_to_anthropic_request(b);
  EXPECT_FALSE(out.contains("thinking"));
  EXPECT_EQ(out["temperature"], 0.4);  // kept, since thinking is off
}

TEST(ToAnthropic, TemperatureXorTopPForNewerModels) {
  Json b = user("x");
  b["temperature"] = 0.5;
  b["top_p"] = 0.9;
  ToAnthropicOptions o;
  o.temperature_xor_top_p = true;
  Json out = openai_to_anthropic_request(b, o);
  EXPECT_EQ(out["temperature"], 0.5);
  EXPECT_FALSE(out.contains("top_p"));
  EXPECT_TRUE(openai_to_anthropic_request(b).contains("top_p"));
}

TEST(ToAnthropic, UsesJsonResponseTool) {
  EXPECT_TRUE(uses_json_response_tool(fixture_json("to_anthropic/json_schema.openai.json")));
  EXPECT_FALSE(uses_json_response_tool(fixture_json("to_anthropic/json_object.openai.json")));
  EXPECT_FALSE(uses_json_response_tool(user("x")));
}

TEST(ToAnthropic, DroppedFieldsAreLoggedOnceAtDebug) {
  struct Line {
    acp_log_level level;
    std::string text;
  };
  static std::vector<Line> lines;
  lines.clear();
  acp_host_api api{};
  api.struct_size = sizeof(api);
  api.abi_major = ACP_ABI_VERSION_MAJOR;
  api.log = [](acp_log_level l, acp_str, acp_str m) { lines.push_back({l, std::string(aicore::view(m))}); };
  const acp_host_api* prev = aicore::detail::host_api();
  aicore::detail::host_api() = &api;
  openai_to_anthropic_request(fixture_json("to_anthropic/plain.openai.json"));
  aicore::detail::host_api() = prev;
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].level, ACP_LOG_DEBUG);
  EXPECT_EQ(lines[0].text, "openai -> anthropic: dropped seed, presence_penalty, frequency_penalty, logprobs, store");
}

// Anthropic Messages request -> OpenAI chat request: golden fixtures (a Claude Code body among them),
// the thinking -> reasoning_effort table, and exact messages for client mistakes.
#include "test_support.hpp"

using namespace mapping_test;
using aicore::mapping::anthropic_to_openai_request;
using aicore::mapping::ToOpenAIOptions;

namespace {

class ToOpenAIGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(ToOpenAIGolden, MatchesFixture) {
  const std::string name = GetParam();
  Json out = anthropic_to_openai_request(fixture_json("to_openai/" + name + ".anthropic.json"));
  expect_golden_json(out, "to_openai/" + name + ".openai.json");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ToOpenAIGolden,
                         ::testing::Values("claude_code", "simple", "documents", "tool_choice_tool", "thinking_budgets"),
                         [](const auto& info) { return std::string(info.param); });

Json body_with_thinking(int64_t budget) {
  Json b = Json::parse(R"({"max_tokens":100000,"messages":[{"role":"user","content":"x"}]})");
  b["thinking"] = Json::parse(R"({"type":"enabled","budget_tokens":)" + std::to_string(budget) + "}");
  return b;
}

}  // namespace

TEST(ToOpenAI, InvalidRequestsHaveExactMessages) {
  for (const Json& c : fixture_json("to_openai/invalid.json")) {
    std::string err = error_of([&] { anthropic_to_openai_request(c["body"]); });
    EXPECT_EQ(err, c["error"].get<std::string>()) << c["body"].dump();
  }
}

TEST(ToOpenAI, ThinkingBudgetToEffort) {
  ToOpenAIOptions o;
  EXPECT_EQ(anthropic_to_openai_request(body_with_thinking(1024), o)["reasoning_effort"], "low");
  EXPECT_EQ(anthropic_to_openai_request(body_with_thinking(o.low_below - 1), o)["reasoning_effort"], "low");
  EXPECT_EQ(anthropic_to_openai_request(body_with_thinking(o.low_below), o)["reasoning_effort"], "medium");
  EXPECT_EQ(anthropic_to_openai_request(body_with_thinking(o.high_from - 1), o)["reasoning_effort"], "medium");
  EXPECT_EQ(anthropic_to_openai_request(body_with_thinking(o.high_from), o)["reasoning_effort"], "high");
  Json off = body_with_thinking(1024);
  off["thinking"] = Json::parse(R"({"type":"disabled"})");
  off["output_config"] = Json::parse(R"({"effort":"high"})");  // thinking off wins over effort
  EXPECT_FALSE(anthropic_to_openai_request(off).contains("reasoning_effort"));
  Json adaptive = body_with_thinking(1024);
  adaptive["thinking"] = Json::parse(R"({"type":"adaptive"})");
  EXPECT_FALSE(anthropic_to_openai_request(adaptive).contains("reasoning_effort"));  // the model's default
}

TEST(ToOpenAI, ServerToolsAreSkippedWithALogLine) {
  static std::vector<std::string> lines;
  lines.clear();
  acp_host_api api{};
  api.struct_size = sizeof(api);
  api.abi_major = ACP_ABI_VERSION_MAJOR;
  api.log = [](acp_log_level l, acp_str, acp_str m) {
    if (l >= ACP_LOG_INFO) lines.emplace_back(aicore::view(m));
  };
  const acp_host_api* prev = aicore::detail::host_api();
  aicore::detail::host_api() = &api;
  Json out = anthropic_to_openai_request(Json::parse(
      R"({"max_tokens":10,"messages":[{"role":"user","content":"x"}],"tools":[{"type":"bash_20250124","name":"bash"}],"tool_choice":{"type":"any"}})"));
  aicore::detail::host_api() = prev;
  EXPECT_FALSE(out.contains("tools"));
  EXPECT_FALSE(out.contains("tool_choice"));  // nothing left to choose from
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "anthropic -> openai: skipped server tool 'bash' (\"bash_20250124\"): GPT models cannot run Anthropic server tools");
}

TEST(ToOpenAI, ShortUserIdsPassAndLongOnesAreDigested) {
  Json b = Json::parse(R"({"max_tokens":10,"messages":[{"role":"user","content":"x"}],"metadata":{"user_id":"u-1"}})");
  EXPECT_EQ(anthropic_to_openai_request(b)["user"], "u-1");
  b["metadata"]["user_id"] = std::string(100, 'a');
  std::string digest = anthropic_to_openai_request(b)["user"];
  EXPECT_EQ(digest.size(), 18u);
  EXPECT_EQ(anthropic_to_openai_request(b)["user"], digest);  // stable
  b["metadata"]["user_id"] = std::string(100, 'b');
  EXPECT_NE(anthropic_to_openai_request(b)["user"], digest);
}

TEST(ToOpenAI, ThinkingOnlyAssistantTurnsDisappear) {
  Json out = anthropic_to_openai_request(Json::parse(R"({"max_tokens":10,"messages":[
    {"role":"user","content":"x"},
    {"role":"assistant","content":[{"type":"redacted_thinking","data":"abc"}]},
    {"role":"user","content":"y"}]})"));
  EXPECT_EQ(out["messages"], Json::parse(R"([{"role":"user","content":"x"},{"role":"user","content":"y"}])"));
}

TEST(ToOpenAI, ToolIdsPastOpenAIsLimitAreShortenedUnlessTheUpstreamHasNone) {
  const std::string id = "toolu_" + std::string(60, 'x');
  Json b = Json::parse(R"({"max_tokens":10,"messages":[
    {"role":"user","content":"x"},
    {"role":"assistant","content":[{"type":"tool_use","id":"","name":"f","input":{}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"","content":"ok"}]}]})");
  b["messages"][1]["content"][0]["id"] = id;
  b["messages"][2]["content"][0]["tool_use_id"] = id;
  Json out = anthropic_to_openai_request(b);
  const std::string shortened = out["messages"][1]["tool_calls"][0]["id"];
  EXPECT_EQ(shortened.size(), 40u);
  EXPECT_EQ(out["messages"][2]["tool_call_id"], shortened);
  ToOpenAIOptions keep;
  keep.max_tool_id = 0;
  out = anthropic_to_openai_request(b, keep);
  EXPECT_EQ(out["messages"][1]["tool_calls"][0]["id"], id);
  EXPECT_EQ(out["messages"][2]["tool_call_id"], id);
}

#include "test_support.hpp"

#include "claude/bedrock_rules.hpp"

using namespace claude_test;
using namespace aicore::claude;

namespace {

struct GoldenCase {
  const char* name;     // fixtures/<name>.request.json -> fixtures/<name>.bedrock.json
  const char* model;    // the configured model key
  const char* betas;    // the client's anthropic-beta header
};

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

Json convert(const Json& body, const char* model, std::string_view betas, Changes& changes) {
  BedrockOptions o{parse_model(model), ThinkingBudgets{}, {}};
  return to_bedrock_invoke(body, split_betas(betas), o, changes);
}

Json convert(const Json& body, const char* model = "anthropic--claude-4.5-sonnet") {
  Changes c;
  return convert(body, model, "", c);
}

class BedrockGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(BedrockGolden, MatchesFixture) {
  const GoldenCase& c = GetParam();
  Changes changes;
  Json out = convert(fixture_json(std::string(c.name) + ".request.json"), c.model, c.betas, changes);
  EXPECT_JSON_EQ(out, fixture_json(std::string(c.name) + ".bedrock.json"));
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, BedrockGolden,
    ::testing::Values(
        GoldenCase{"claude_code", "anthropic--claude-4.5-sonnet",
                   "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,"
                   "prompt-caching-scope-2026-01-05,mid-conversation-system-2025-01-01,effort-2025-11-24, "
                   "context-1m-2025-08-07"},
        GoldenCase{"plain", "anthropic--claude-3.7-sonnet", ""},
        GoldenCase{"thinking_budget", "anthropic--claude-4.1-opus", ""},
        GoldenCase{"leading_system", "anthropic--claude-3.5-haiku", ""},
        GoldenCase{"server_tools_only", "anthropic--claude-4.5-sonnet", ""}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace

TEST(BedrockRules, KeepsValuesExactly) {
  // Numbers and strings of what is not touched come out as the same values (and, through dump,
  // the same bytes for integers, strings and shortest-form doubles).
  const std::string body =
      R"({"max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"x"}]},)"
      R"({"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":{"i":9007199254740993,"u":18446744073709551615,"f":0.1,"g":-1.5e-7,"s":"\u00e9\"\\\n"}}]}]})";
  Json out = convert(Json::parse(body));
  const std::string dumped = aicore::claude::dump(out);
  EXPECT_NE(dumped.find(R"("input":{"i":9007199254740993,"u":18446744073709551615,"f":0.1,"g":-1.5e-07,"s":"é\"\\\n"})"),
            std::string::npos)
      << dumped;
}

TEST(BedrockRules, AnthropicVersionFirstAndBetasSecond) {
  Changes c;
  Json out = convert(Json::parse(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"anthropic_version":"2023-06-01"})"),
                     "anthropic--claude-4-sonnet", "interleaved-thinking-2025-05-14", c);
  EXPECT_EQ(aicore::claude::dump(out),
            R"({"anthropic_version":"bedrock-2023-05-31","anthropic_beta":["interleaved-thinking-2025-05-14"],"max_tokens":5,"messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(c.summary(), "dropped model (routing is by deployment URL)");
}

TEST(BedrockRules, BetaTableByModel) {
  auto accepts = [](const char* beta, const char* model) { return bedrock_accepts_beta(beta, parse_model(model)); };
  EXPECT_TRUE(accepts("interleaved-thinking-2025-05-14", "anthropic--claude-4.5-sonnet"));
  EXPECT_TRUE(accepts("interleaved-thinking-2025-05-14", "anthropic--claude-4.1-opus"));
  EXPECT_FALSE(accepts("interleaved-thinking-2025-05-14", "anthropic--claude-3.7-sonnet"));
  EXPECT_TRUE(accepts("output-128k-2025-02-19", "anthropic--claude-3.7-sonnet"));
  EXPECT_FALSE(accepts("output-128k-2025-02-19", "anthropic--claude-4-sonnet"));
  EXPECT_TRUE(accepts("context-1m-2025-08-07", "anthropic--claude-4-sonnet"));
  EXPECT_FALSE(accepts("context-1m-2025-08-07", "anthropic--claude-4.1-opus"));
  EXPECT_TRUE(accepts("token-efficient-tools-2025-02-19", "anthropic--claude-3.7-sonnet"));
  EXPECT_FALSE(accepts("token-efficient-tools-2025-02-19", "anthropic--claude-3.5-sonnet"));
  EXPECT_TRUE(accepts("computer-use-2024-10-22", "anthropic--claude-3.5-sonnet"));
  EXPECT_TRUE(accepts("tool-search-tool-2025-10-19", "anthropic--claude-4.5-opus"));
  EXPECT_FALSE(accepts("tool-search-tool-2025-10-19", "anthropic--claude-4.1-opus"));
  for (const char* anthropic_only : {"claude-code-20250219", "prompt-caching-scope-2026-01-05", "context-management-2025-06-27",
                                     "effort-2025-11-24", "fine-grained-tool-streaming-2025-05-14", "files-api-2025-04-14", ""})
    EXPECT_FALSE(accepts(anthropic_only, "anthropic--claude-4.5-sonnet")) << anthropic_only;
  // A configured name without a version: every listed beta passes, unlisted ones still do not.
  EXPECT_TRUE(accepts("output-128k-2025-02-19", "my-claude"));
  EXPECT_FALSE(accepts("claude-code-20250219", "my-claude"));
}

TEST(BedrockRules, ExtraBetasFromSettingsPass) {
  Changes c;
  BedrockOptions o{parse_model("anthropic--claude-4.5-sonnet"), {}, {"new-thing-2030-01-01"}};
  Json out = to_bedrock_invoke(Json::parse(R"({"max_tokens":5,"messages":[{"role":"user","content":"hi"}]})"),
                               {"new-thing-2030-01-01", "other-2030-01-01", "new-thing-2030-01-01"}, o, c);
  EXPECT_EQ(out["anthropic_beta"], Json::parse(R"(["new-thing-2030-01-01"])"));
  EXPECT_EQ(c.summary(), "dropped other-2030-01-01 (beta not accepted by Bedrock for this model)");
}

TEST(BedrockRules, StructuredOutputFormatIsKeptFromClaude45OnInvokeOnly) {
  const char* schema = R"({"type":"object","properties":{"title":{"type":"string"}},"required":["title"],"additionalProperties":false})";
  auto body = [&](const std::string& fields) {
    return Json::parse(R"({"max_tokens":100,"messages":[{"role":"user","content":"hi"}],)" + fields + "}");
  };
  const std::string format = std::string(R"({"type":"json_schema","schema":)") + schema + "}";
  Changes c;
  Json out = convert(body(R"("output_config":{"effort":"low","format":)" + format + "}"), "anthropic--claude-4.5-haiku", "", c);
  EXPECT_EQ(out["output_config"], Json::parse(R"({"format":)" + format + "}"));
  EXPECT_EQ(c.summary(), "dropped output_config.effort (not accepted by Bedrock)");

  // The beta-era top-level output_format (Anthropic SDK `beta.messages`) goes to the same place.
  Changes beta;
  out = convert(body(R"("output_format":)" + format), "anthropic--claude-4.6-opus", "", beta);
  EXPECT_EQ(out["output_config"]["format"], Json::parse(format));
  EXPECT_FALSE(out.contains("output_format"));
  EXPECT_TRUE(beta.empty()) << beta.summary();

  // Older models and the Converse path: dropped, with the reason.
  Changes old;
  out = convert(body(R"("output_config":{"format":)" + format + "}"), "anthropic--claude-3.7-sonnet", "", old);
  EXPECT_FALSE(out.contains("output_config"));
  EXPECT_EQ(old.summary(), "dropped output_config.format (structured outputs need Claude 4.5 or later on Bedrock)");
  Changes conv;
  BedrockOptions o{parse_model("anthropic--claude-4.5-sonnet"), ThinkingBudgets{}, {}};
  o.converse = true;
  out = to_bedrock_invoke(body(R"("output_config":{"format":)" + format + "}"), {}, o, conv);
  EXPECT_FALSE(out.contains("output_config"));
  EXPECT_EQ(conv.summary(), "dropped output_config.format (not mapped to Converse)");

  // Only effort: nothing left to send.
  EXPECT_FALSE(convert(body(R"("output_config":{"effort":"high"})")).contains("output_config"));
}

TEST(BedrockRules, SplitBetas) {
  EXPECT_EQ(split_betas(" a-1 ,b-2,, c-3 "), (std::vector<std::string>{"a-1", "b-2", "c-3"}));
  EXPECT_TRUE(split_betas("").empty());
}

TEST(BedrockRules, AdaptiveThinkingBudgetFollowsEffortAndFitsMaxTokens) {
  auto body = [](const char* extra) {
    return Json::parse(std::string(R"({"max_tokens":32000,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"adaptive"})") +
                       extra + "}");
  };
  EXPECT_EQ(convert(body(""))["thinking"], Json::parse(R"({"type":"enabled","budget_tokens":16384})"));
  EXPECT_EQ(convert(body(R"(,"output_config":{"effort":"low"})"))["thinking"]["budget_tokens"], 2048);
  EXPECT_EQ(convert(body(R"(,"output_config":{"effort":"medium"})"))["thinking"]["budget_tokens"], 8192);
  EXPECT_EQ(convert(body(R"(,"output_config":{"effort":"max"})"))["thinking"]["budget_tokens"], 16384);
  // Lowered under max_tokens...
  Json small = Json::parse(R"({"max_tokens":3000,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"adaptive"}})");
  EXPECT_EQ(convert(small)["thinking"]["budget_tokens"], 2999);
  EXPECT_EQ(convert(small)["max_tokens"], 3000);
  // ...and dropped when no budget of at least 1024 fits, or when a tool is forced.
  Changes c;
  Json tiny = Json::parse(R"({"max_tokens":1000,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"adaptive"},"temperature":0.2})");
  Json out = convert(tiny, "anthropic--claude-4.5-sonnet", "", c);
  EXPECT_FALSE(out.contains("thinking"));
  EXPECT_EQ(out["temperature"], 0.2);  // no thinking: sampling stays
  EXPECT_EQ(c.summary(), "adaptive thinking dropped (max_tokens leaves no room for a budget)");
  Json forced = Json::parse(R"({"max_tokens":9000,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"adaptive"},
                               "tools":[{"name":"t","input_schema":{"type":"object"}}],"tool_choice":{"type":"any"}})");
  EXPECT_FALSE(convert(forced).contains("thinking"));
}

TEST(BedrockRules, ExplicitThinkingKeepsMaxTokensAboveBudget) {
  Json b = Json::parse(R"({"max_tokens":1024,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"hi"}]})");
  Json out = convert(b);
  EXPECT_EQ(out["max_tokens"], 1025);
  EXPECT_EQ(out["thinking"]["budget_tokens"], 1024);
  Json fine = Json::parse(R"({"max_tokens":5000,"thinking":{"type":"enabled","budget_tokens":1024},"temperature":1.0,"top_p":0.99,"messages":[{"role":"user","content":"hi"}]})");
  Json kept = convert(fine);
  EXPECT_EQ(kept["max_tokens"], 5000);
  EXPECT_EQ(kept["temperature"], 1.0);
  EXPECT_EQ(kept["top_p"], 0.99);
  Json disabled = Json::parse(R"({"max_tokens":5,"thinking":{"type":"disabled"},"temperature":0.1,"messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(convert(disabled)["temperature"], 0.1);
}

TEST(BedrockRules, MidConversationSystemMessages) {
  // Between an assistant turn and the end: a user turn of its own.
  Json tail = convert(Json::parse(R"({"max_tokens":5,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"system","content":"c"}]})"));
  EXPECT_EQ(tail["messages"][2], Json::parse(R"({"role":"user","content":[{"type":"text","text":"<system-reminder>\nc\n</system-reminder>"}]})"));
  // After a user turn: appended to it.
  Json after = convert(Json::parse(R"({"max_tokens":5,"messages":[{"role":"user","content":"a"},{"role":"system","content":"c"},{"role":"assistant","content":"b"},{"role":"user","content":"d"}]})"));
  EXPECT_EQ(after["messages"].size(), 3u);
  EXPECT_EQ(after["messages"][0]["content"][1]["text"], "<system-reminder>\nc\n</system-reminder>");
  // Two in a row between assistant turns... and before tool results: after them.
  Json tr = convert(Json::parse(R"({"max_tokens":5,"messages":[{"role":"user","content":"a"},
      {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"n","input":{}}]},
      {"role":"system","content":"s1"},{"role":"system","content":[{"type":"text","text":"s2"}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"},{"type":"text","text":"more"}]}]})"));
  const Json& c = tr["messages"][2]["content"];
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0]["type"], "tool_result");
  EXPECT_EQ(c[1]["text"], "<system-reminder>\ns1\n</system-reminder>");
  EXPECT_EQ(c[2]["text"], "<system-reminder>\ns2\n</system-reminder>");
  EXPECT_EQ(c[3]["text"], "more");
  // Only system messages before the first user turn and no `system`: a system array before messages.
  Json lead = convert(Json::parse(R"({"max_tokens":5,"messages":[{"role":"system","content":"S"},{"role":"user","content":"u"}]})"));
  EXPECT_EQ(aicore::claude::dump(lead),
            R"({"anthropic_version":"bedrock-2023-05-31","max_tokens":5,"system":[{"type":"text","text":"S"}],"messages":[{"role":"user","content":"u"}]})");
}

TEST(BedrockRules, ToolChoiceNamingADroppedToolIsDropped) {
  Changes c;
  Json out = convert(Json::parse(R"({"max_tokens":5,"messages":[{"role":"user","content":"hi"}],
     "tools":[{"name":"mine","input_schema":{"type":"object"},"strict":true},{"type":"web_fetch_20250910","name":"web_fetch"}],
     "tool_choice":{"type":"tool","name":"web_fetch"}})"), "anthropic--claude-4.5-sonnet", "", c);
  EXPECT_EQ(out["tools"], Json::parse(R"([{"name":"mine","input_schema":{"type":"object"}}])"));
  EXPECT_FALSE(out.contains("tool_choice"));
  ASSERT_EQ(c.warnings().size(), 1u);
  EXPECT_EQ(c.warnings()[0], "dropped Anthropic server tool 'web_fetch' (web_fetch_20250910): Bedrock does not run Anthropic's server tools");
  EXPECT_EQ(c.summary(), "dropped tools[].strict (not accepted by Bedrock); dropped tool_choice (names a dropped tool)");
}

TEST(BedrockRules, DropsAreLoggedOnceAtDebugAndServerToolsAtWarn) {
  LogCapture logs;
  Changes c;
  convert(fixture_json("claude_code.request.json"), "anthropic--claude-4.5-sonnet", "claude-code-20250219", c);
  c.log("anthropic.messages for 'x'");
  ASSERT_EQ(LogCapture::lines().size(), 2u);
  EXPECT_EQ(LogCapture::lines()[0].level, ACP_LOG_DEBUG);
  EXPECT_EQ(LogCapture::lines()[0].text,
            "anthropic.messages for 'x': dropped claude-code-20250219 (beta not accepted by Bedrock for this model); "
            "dropped model (routing is by deployment URL); "
            "dropped metadata, context_management, output_config.effort, tools[].input_examples, tools[].defer_loading (not accepted by Bedrock); "
            "dropped stream (the path selects streaming); "
            "dropped system x-anthropic-billing-header line (Claude Code billing metadata, not prompt text); "
            "dropped 2 empty text block(s) (Bedrock rejects empty text); "
            "dropped 1 tool_result block(s) (not allowed in tool_result content); "
            "folded 1 mid-conversation system message(s) into user turns; stripped cache_control.scope from 3 block(s); "
            "stripped cache_control.scope from 1 tool(s); adaptive thinking -> enabled, budget_tokens 8192");
  EXPECT_EQ(LogCapture::lines()[1].level, ACP_LOG_WARN);
  EXPECT_NE(LogCapture::lines()[1].text.find("web_search"), std::string::npos);
}

TEST(BedrockRules, RejectsWhatNoRuleCanRepair) {
  struct Bad {
    const char* body;
    const char* message;
  };
  for (const Bad& b : {Bad{R"([])", "body: must be a JSON object"},
                       Bad{R"({"max_tokens":5})", "messages: Field required"},
                       Bad{R"({"max_tokens":5,"messages":{}})", "messages: must be an array"},
                       Bad{R"({"messages":[]})", "max_tokens: Field required"},
                       Bad{R"({"messages":[],"max_tokens":"5"})", "max_tokens: must be a positive integer"},
                       Bad{R"({"messages":[1],"max_tokens":5})", "messages.0: must be an object"},
                       Bad{R"({"messages":[],"max_tokens":5,"tools":{}})", "tools: must be an array"},
                       Bad{R"({"messages":[],"max_tokens":5,"tools":[1]})", "tools.0: must be an object"},
                       Bad{R"({"messages":[],"max_tokens":5,"thinking":true})", "thinking: must be an object"}}) {
    try {
      convert(Json::parse(b.body));
      ADD_FAILURE() << "accepted " << b.body;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST) << b.body;
      EXPECT_EQ(e.message, b.message) << b.body;
    }
  }
}

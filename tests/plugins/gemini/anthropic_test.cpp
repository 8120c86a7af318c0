// anthropic.messages and anthropic.count_tokens through the shared mapping (composition).
#include "test_support.hpp"

#include "gemini/anthropic.hpp"
#include "gemini/context.hpp"

#include <functional>
#include <set>

using namespace gemini_test;
using aicore::gemini::convert_anthropic_request;
using aicore::gemini::convert_anthropic_response;
using aicore::gemini::count_tokens_response;
using aicore::gemini::ResponseContext;
using aicore::gemini::Settings;

namespace {

Json gemini_body(const std::string& body, std::string_view model = "gemini-2.5-pro") {
  return Json::parse(convert_anthropic_request(body, {model, "claude-sonnet-4-5"}, false, Settings{}).body);
}

}  // namespace

TEST(Anthropic, ClaudeCodeRequestGolden) {
  LogCapture logs;
  auto r = convert_anthropic_request(fixture("claude_code.request.json"), {"gemini-2.5-pro", "claude-sonnet-4-5-20250929"},
                                     false, Settings{});
  EXPECT_EQ(r.target, "/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
  expect_golden_json(Json::parse(r.body), "claude_code.upstream.json");
  ResponseContext ctx = ResponseContext::decode(r.context);
  EXPECT_EQ(ctx.client_model, "claude-sonnet-4-5-20250929");
  EXPECT_GT(ctx.input_tokens_hint, 100);
  bool clamped = false;
  for (const auto& l : LogCapture::lines()) clamped |= l.text.find("thinking budget 40000 clamped to 32768") != std::string::npos;
  EXPECT_TRUE(clamped);
}

TEST(Anthropic, ClaudeCodeSchemasAreAllVertexSafe) {
  // Every key left in every declaration is one Vertex's Schema knows.
  Json g = Json::parse(convert_anthropic_request(fixture("claude_code.request.json"), {"gemini-2.5-pro", ""}, false, Settings{}).body);
  const std::set<std::string> allowed = {"type", "format", "title", "description", "nullable", "enum", "properties", "required",
                                         "items", "anyOf", "minItems", "maxItems", "minLength", "maxLength", "minProperties",
                                         "maxProperties", "minimum", "maximum", "pattern", "default", "example"};
  std::function<void(const Json&, const std::string&)> check = [&](const Json& s, const std::string& path) {
    ASSERT_TRUE(s.is_object()) << path;
    for (auto it = s.begin(); it != s.end(); ++it) {
      EXPECT_TRUE(allowed.count(it.key())) << path << "." << it.key();
      if (it.key() == "properties")
        for (auto p = it.value().begin(); p != it.value().end(); ++p) check(p.value(), path + ".properties." + p.key());
      if (it.key() == "items") check(it.value(), path + ".items");
      if (it.key() == "anyOf")
        for (const Json& b : it.value()) check(b, path + ".anyOf");
    }
    if (s.value("type", "") == "array") {
      EXPECT_TRUE(s.contains("items") && s["items"].contains("type")) << path;
    }
    if (s.contains("enum")) {
      EXPECT_EQ(s.value("type", ""), "string") << path;
    }
  };
  const Json& decls = g["tools"][0]["functionDeclarations"];
  ASSERT_EQ(decls.size(), 7u);  // the server tool (web_search) is not a function
  for (const Json& d : decls)
    if (d.contains("parameters")) check(d["parameters"], d["name"].get<std::string>());
}

TEST(Anthropic, ThinkingVariants) {
  auto tc = [](const std::string& thinking, std::string_view model, const std::string& extra = "") {
    Json g = gemini_body(R"({"max_tokens":100,"messages":[{"role":"user","content":"hi"}],"thinking":)" + thinking + extra + "}",
                         model);
    return g.contains("generationConfig") && g["generationConfig"].contains("thinkingConfig")
               ? dump(g["generationConfig"]["thinkingConfig"])
               : std::string("-");
  };
  EXPECT_EQ(tc(R"({"type":"enabled","budget_tokens":2048})", "gemini-2.5-flash"), R"({"includeThoughts":true,"thinkingBudget":2048})");
  EXPECT_EQ(tc(R"({"type":"adaptive"})", "gemini-2.5-pro"), R"({"includeThoughts":true,"thinkingBudget":-1})");
  EXPECT_EQ(tc(R"({"type":"adaptive"})", "gemini-2.5-pro", R"(,"output_config":{"effort":"max"})"),
            R"({"includeThoughts":true,"thinkingBudget":24576})");
  EXPECT_EQ(tc(R"({"type":"disabled"})", "gemini-2.5-flash"), R"({"thinkingBudget":0})");
  EXPECT_EQ(tc(R"({"type":"disabled"})", "gemini-2.5-pro"), "-");
  EXPECT_EQ(tc("null", "gemini-2.5-pro"), "-");
  auto e = expect_plugin_error([&] { tc(R"({"type":"enabled"})", "gemini-2.5-pro"); });
  EXPECT_EQ(e.message, "thinking.budget_tokens: must be a non-negative integer");
}

TEST(Anthropic, ResponseGoldenThroughTheSharedMapping) {
  LogCapture clock;
  ResponseContext ctx;
  ctx.client_model = "claude-sonnet-4-5";
  ctx.seed = "00112233aabbccdd";
  expect_golden_json(Json::parse(convert_anthropic_response(fixture("gemini_tools.response.json"), ctx)),
                     "gemini_tools.anthropic.json");
  expect_golden_json(Json::parse(convert_anthropic_response(fixture("gemini_text.response.json"), ctx)),
                     "gemini_text.anthropic.json");
}

TEST(Anthropic, ToolRoundTripRestoresSignatureAndName) {
  LogCapture clock;
  // Turn 1: Gemini calls a function; the client sees a tool_use with our id.
  ResponseContext ctx;
  ctx.client_model = "gemini-2.5-pro";
  ctx.seed = "00112233aabbccdd";
  Json msg = Json::parse(convert_anthropic_response(fixture("gemini_tools.response.json"), ctx));
  Json assistant = {{"role", "assistant"}, {"content", msg["content"]}};
  Json results = Json::array();
  for (const Json& b : msg["content"])
    if (b["type"] == "tool_use")
      results.push_back({{"type", "tool_result"}, {"tool_use_id", b["id"]}, {"content", "ok " + b["input"].value("city", "-")}});
  // Turn 2: the client answers every call by id.
  Json req = {{"max_tokens", 100},
              {"messages", Json::array({{{"role", "user"}, {"content", "weather?"}}, assistant, {{"role", "user"}, {"content", results}}})}};
  Json g = gemini_body(dump(req));
  const Json& model_turn = g["contents"][1];
  ASSERT_EQ(model_turn["role"], "model");
  EXPECT_EQ(dump(model_turn["parts"][1]),
            R"({"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"CiQBVKhc7x+/ab=="})");
  EXPECT_FALSE(model_turn["parts"][2].contains("thoughtSignature"));
  EXPECT_EQ(dump(g["contents"][2]),
            R"({"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"result":"ok Paris"}}},)"
            R"({"functionResponse":{"name":"get_weather","response":{"result":"ok Rome"}}},)"
            R"({"functionResponse":{"name":"now","response":{"result":"ok -"}}}]})");
}

TEST(Anthropic, CountTokensIsLocal) {
  Json small = Json::parse(count_tokens_response(R"({"model":"x","messages":[{"role":"user","content":"hi"}]})"));
  ASSERT_TRUE(small["input_tokens"].is_number_integer());
  EXPECT_GT(small["input_tokens"].get<int64_t>(), 0);
  Json big = Json::parse(count_tokens_response(fixture("claude_code.request.json")));
  EXPECT_GT(big["input_tokens"].get<int64_t>(), small["input_tokens"].get<int64_t>());
  auto e = expect_plugin_error([] { count_tokens_response("[]"); });
  EXPECT_EQ(e.message, "body: must be a JSON object");
}

TEST(Anthropic, ClientMistakesKeepTheirFieldPath) {
  auto e = expect_plugin_error([] { gemini_body(R"({"max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64"}}]}]})"); });
  EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST);
  EXPECT_NE(e.message.find("messages[0].content[0].source"), std::string::npos) << e.message;
  e = expect_plugin_error([] { gemini_body(R"({"max_tokens":10,"messages":[{"role":"user","content":"x"}],"top_k":-1})"); });
  EXPECT_EQ(e.message, "top_k: must be a non-negative integer");
}

TEST(Anthropic, ImagesAndTopK) {
  Json g = gemini_body(R"({"max_tokens":10,"top_k":3,"messages":[{"role":"user","content":[
      {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}},{"type":"text","text":"what?"}]}]})");
  EXPECT_EQ(dump(g["contents"]),
            R"([{"role":"user","parts":[{"inlineData":{"mimeType":"image/jpeg","data":"/9j/4AAQ"}},{"text":"what?"}]}])");
  EXPECT_EQ(dump(g["generationConfig"]), R"({"maxOutputTokens":10,"topK":3})");
}

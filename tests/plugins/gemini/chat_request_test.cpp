#include "test_support.hpp"

#include "gemini/chat_request.hpp"
#include "gemini/context.hpp"

using namespace gemini_test;
using aicore::gemini::chat_target;
using aicore::gemini::convert_chat_request;
using aicore::gemini::openai_to_gemini;
using aicore::gemini::ResponseContext;
using aicore::gemini::Settings;

namespace {

struct GoldenCase {
  const char* name;   // fixtures/<name>.request.json -> fixtures/<name>.upstream.json
  const char* model;  // the configured model key
  bool stream_hint;
  const char* target;
  bool include_usage;
};

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

class ChatRequestGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(ChatRequestGolden, MatchesFixture) {
  const GoldenCase& c = GetParam();
  auto r = convert_chat_request(fixture(std::string(c.name) + ".request.json"), c.model, "client-" + std::string(c.model),
                                c.stream_hint, Settings{});
  EXPECT_EQ(r.target, c.target);
  expect_golden_json(Json::parse(r.body), std::string(c.name) + ".upstream.json");
  ResponseContext ctx = ResponseContext::decode(r.context);
  EXPECT_EQ(ctx.include_usage, c.include_usage);
  EXPECT_EQ(ctx.client_model, "client-" + std::string(c.model));
  EXPECT_EQ(ctx.seed.size(), 16u);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ChatRequestGolden,
    ::testing::Values(
        GoldenCase{"chat_plain", "gemini-2.5-pro", false, "/models/gemini-2.5-pro:generateContent", false},
        GoldenCase{"chat_tools", "gemini-2.5-flash", false, "/models/gemini-2.5-flash:generateContent", false},
        GoldenCase{"chat_media", "gemini-2.5-flash", true, "/models/gemini-2.5-flash:streamGenerateContent?alt=sse", false},
        GoldenCase{"chat_generation", "gemini-2.5-pro", false, "/models/gemini-2.5-pro:generateContent", false},
        GoldenCase{"chat_system_only", "gemini-2.5-flash", false,
                   "/models/gemini-2.5-flash:streamGenerateContent?alt=sse", true},
        GoldenCase{"langchain", "gemini-2.5-flash", false, "/models/gemini-2.5-flash:generateContent", false}),
    [](const auto& info) { return std::string(info.param.name); });

Json convert(const std::string& body, std::string_view model = "gemini-2.5-flash", const Settings& s = Settings{}) {
  return openai_to_gemini(Json::parse(body), model, false, s).body;
}

const char* kUser = R"({"role":"user","content":"hi"})";

std::string with(const std::string& extra) {
  return std::string(R"({"messages":[)") + kUser + "]" + (extra.empty() ? "" : "," + extra) + "}";
}

}  // namespace

TEST(ChatRequest, TargetsForEachMode) {
  EXPECT_EQ(chat_target("gemini-2.5-pro", false), "/models/gemini-2.5-pro:generateContent");
  EXPECT_EQ(chat_target("gemini-2.5-pro", true), "/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
}

TEST(ChatRequest, StreamFollowsBodyThenHint) {
  auto r = convert_chat_request(with(R"("stream":false)"), "gemini-2.5-pro", "", true, Settings{});
  EXPECT_EQ(r.target, "/models/gemini-2.5-pro:generateContent");
  r = convert_chat_request(with(""), "gemini-2.5-pro", "", true, Settings{});
  EXPECT_EQ(r.target, "/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
  EXPECT_EQ(ResponseContext::decode(r.context).client_model, "gemini-2.5-pro");  // no client name: the key
}

TEST(ChatRequest, ModelNamesSettingRenamesTheUpstreamModel) {
  Settings s = Settings::parse(R"({"model_names":{"my-gemini":"gemini-2.5-flash"}})");
  auto r = convert_chat_request(with(""), "my-gemini", "my-gemini", false, s);
  EXPECT_EQ(r.target, "/models/gemini-2.5-flash:generateContent");
  // Without an entry the key is used, minus its routing prefix.
  r = convert_chat_request(with(""), "google/gemini-2.5-pro", "", false, s);
  EXPECT_EQ(r.target, "/models/gemini-2.5-pro:generateContent");
}

TEST(ChatRequest, SafetySettingsFromTheSettingsAreSent) {
  Settings s = Settings::parse(R"({"safety_settings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}]})");
  Json g = convert(with(""), "gemini-2.5-flash", s);
  EXPECT_EQ(dump(g["safetySettings"]), R"([{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}])");
}

TEST(ChatRequest, ConsecutiveRolesMergeAndSystemGoesToSystemInstruction) {
  Json g = convert(R"({"messages":[
    {"role":"user","content":"a"},{"role":"user","content":"b"},
    {"role":"system","content":"late rule"},
    {"role":"assistant","content":"c"},{"role":"assistant","content":[{"type":"text","text":"d"}]},
    {"role":"user","content":"e"}]})");
  EXPECT_EQ(dump(g["contents"]),
            R"([{"role":"user","parts":[{"text":"a"},{"text":"b"}]},{"role":"model","parts":[{"text":"c"},{"text":"d"}]},)"
            R"({"role":"user","parts":[{"text":"e"}]}])");
  EXPECT_EQ(dump(g["systemInstruction"]), R"({"parts":[{"text":"late rule"}]})");
}

TEST(ChatRequest, EmptyMessagesAreSkippedBecauseVertexRejectsEmptyText) {
  Json g = convert(R"({"messages":[{"role":"user","content":"a"},{"role":"assistant","content":""},
                      {"role":"assistant","content":null},{"role":"user","content":"b"}]})");
  EXPECT_EQ(dump(g["contents"]), R"([{"role":"user","parts":[{"text":"a"},{"text":"b"}]}])");
}

TEST(ChatRequest, ToolResultsAreWrappedUnlessTheyAreJsonObjects) {
  auto response_of = [](const std::string& content) {
    Json g = convert(std::string(R"({"messages":[{"role":"user","content":"q"},
      {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"c1","content":)") + content + "}]}");
    return dump(g["contents"][2]["parts"][0]["functionResponse"]["response"]);
  };
  EXPECT_EQ(response_of(R"("plain text")"), R"({"result":"plain text"})");
  EXPECT_EQ(response_of(R"("{\"a\":1}")"), R"({"a":1})");
  EXPECT_EQ(response_of(R"("[1,2]")"), R"({"result":"[1,2]"})");
  EXPECT_EQ(response_of(R"("42")"), R"({"result":"42"})");
  EXPECT_EQ(response_of(R"("{not json")"), R"({"result":"{not json"})");
  EXPECT_EQ(response_of(R"("")"), R"({"result":""})");
  EXPECT_EQ(response_of(R"(null)"), R"({"result":""})");
}

TEST(ChatRequest, ToolMessagesFindTheirFunctionByIdOrName) {
  // The name field (some clients send it) is the fallback when no call has the id.
  Json g = convert(R"({"messages":[{"role":"user","content":"q"},
      {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"other","name":"g","content":"x"}]})");
  EXPECT_EQ(g["contents"][2]["parts"][0]["functionResponse"]["name"], "g");
  auto e = expect_plugin_error([] {
    convert(R"({"messages":[{"role":"user","content":"q"},{"role":"tool","tool_call_id":"nope","content":"x"}]})");
  });
  EXPECT_EQ(e.message, "messages[1].tool_call_id: 'nope' answers no tool call of an earlier assistant message");
  EXPECT_EQ(e.http_status, 400);
}

TEST(ChatRequest, LegacyFunctionsAndFunctionCallMap) {
  Json g = convert(R"({"messages":[{"role":"user","content":"q"},
      {"role":"assistant","content":null,"function_call":{"name":"f","arguments":"{\"x\":1}"}},
      {"role":"function","name":"f","content":"done"}],
    "functions":[{"name":"f","parameters":{"type":"object","properties":{"x":{"type":"integer"}}}}],
    "function_call":{"name":"f"}})");
  EXPECT_EQ(dump(g["contents"][1]), R"({"role":"model","parts":[{"functionCall":{"name":"f","args":{"x":1}}}]})");
  EXPECT_EQ(dump(g["contents"][2]),
            R"({"role":"user","parts":[{"functionResponse":{"name":"f","response":{"result":"done"}}}]})");
  EXPECT_EQ(dump(g["toolConfig"]), R"({"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["f"]}})");
}

TEST(ChatRequest, ToolChoiceModes) {
  const std::string tools = R"("tools":[{"type":"function","function":{"name":"f"}}])";
  auto mode = [&](const std::string& choice) {
    Json g = convert(with(tools + R"(,"tool_choice":)" + choice));
    return g.contains("toolConfig") ? dump(g["toolConfig"]["functionCallingConfig"]) : std::string("-");
  };
  EXPECT_EQ(mode(R"("auto")"), R"({"mode":"AUTO"})");
  EXPECT_EQ(mode(R"("none")"), R"({"mode":"NONE"})");
  EXPECT_EQ(mode(R"("required")"), R"({"mode":"ANY"})");
  EXPECT_EQ(mode(R"({"type":"function","function":{"name":"f"}})"), R"({"mode":"ANY","allowedFunctionNames":["f"]})");
  EXPECT_EQ(mode("null"), "-");
  // A function without parameters is declared without them.
  EXPECT_EQ(dump(convert(with(tools))["tools"]), R"([{"functionDeclarations":[{"name":"f"}]}])");
  // tool_choice without tools is dropped, not sent (Vertex rejects a config without declarations).
  EXPECT_FALSE(convert(with(R"("tool_choice":"auto")")).contains("toolConfig"));
}

TEST(ChatRequest, RemoteImagesNeedARecognisableType) {
  auto e = expect_plugin_error([] {
    convert(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://cdn.example.com/img?id=7"}}]}]})");
  });
  EXPECT_EQ(e.message,
            "messages[0].content[0].image_url.url: Gemini needs the MIME type of a remote image and this URL does not "
            "show it (no .png/.jpg/.jpeg/.webp/.gif/.heic extension); send the image inline as a data:<mime "
            "type>;base64,... URL instead");
  Json g = convert(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://x.org/a.gif#frag"}}]}]})");
  EXPECT_EQ(dump(g["contents"][0]["parts"][0]), R"({"fileData":{"mimeType":"image/gif","fileUri":"http://x.org/a.gif#frag"}})");
}

TEST(ChatRequest, SystemOnlyRequestBecomesTheUserTurn) {
  Json g = convert(R"({"messages":[{"role":"system","content":"Summarise X"}]})");
  EXPECT_EQ(dump(g), R"({"contents":[{"role":"user","parts":[{"text":"Summarise X"}]}]})");
}

TEST(ChatRequest, DroppedFieldsAreLoggedOnceAtDebug) {
  LogCapture logs;
  convert(fixture("chat_plain.request.json"), "gemini-2.5-pro");
  ASSERT_EQ(LogCapture::lines().size(), 1u);
  EXPECT_EQ(LogCapture::lines()[0].level, ACP_LOG_DEBUG);
  EXPECT_EQ(LogCapture::lines()[0].text,
            "openai.chat -> gemini 'gemini-2.5-pro': dropped user, metadata, store (no Gemini equivalent)");
}

TEST(ChatRequest, NothingLoggedWhenNothingChanged) {
  LogCapture logs;
  convert(with(R"("temperature":0.5,"max_tokens":10)"));
  EXPECT_TRUE(LogCapture::lines().empty());
}

// ---- thinking -----------------------------------------------------------------------------------

namespace {
std::string thinking(const std::string& extra, std::string_view model, const Settings& s = Settings{}) {
  Json g = convert(with(extra), model, s);
  if (!g.contains("generationConfig") || !g["generationConfig"].contains("thinkingConfig")) return "-";
  return dump(g["generationConfig"]["thinkingConfig"]);
}
}  // namespace

TEST(ChatRequestThinking, ReasoningEffortPerModel) {
  const char* on = R"({"includeThoughts":true,"thinkingBudget":)";
  EXPECT_EQ(thinking(R"("reasoning_effort":"low")", "gemini-2.5-flash"), std::string(on) + "1024}");
  EXPECT_EQ(thinking(R"("reasoning_effort":"medium")", "gemini-2.5-flash"), std::string(on) + "8192}");
  EXPECT_EQ(thinking(R"("reasoning_effort":"high")", "gemini-2.5-flash"), std::string(on) + "24576}");
  EXPECT_EQ(thinking(R"("reasoning_effort":"high")", "gemini-2.5-pro"), std::string(on) + "24576}");
  // Off: Flash can switch thinking off, Pro cannot (its minimum), Gemini 3 thinks low.
  EXPECT_EQ(thinking(R"("reasoning_effort":"minimal")", "gemini-2.5-flash"), R"({"thinkingBudget":0})");
  EXPECT_EQ(thinking(R"("reasoning_effort":"none")", "gemini-2.5-pro"), R"({"thinkingBudget":128})");
  EXPECT_EQ(thinking(R"("reasoning_effort":"minimal")", "gemini-3-pro-preview"), R"({"thinkingLevel":"low"})");
  EXPECT_EQ(thinking(R"("reasoning_effort":"medium")", "gemini-3-pro-preview"), R"({"includeThoughts":true,"thinkingLevel":"high"})");
  // Models without thinking get no thinkingConfig at all; unknown models get the value unclamped.
  EXPECT_EQ(thinking(R"("reasoning_effort":"high")", "gemini-2.0-flash"), "-");
  EXPECT_EQ(thinking(R"("reasoning_effort":"high")", "gemini-9-ultra"), std::string(on) + "24576}");
  // Absent: the model's default.
  EXPECT_EQ(thinking("", "gemini-2.5-pro"), "-");
  auto e = expect_plugin_error([] { thinking(R"("reasoning_effort":"extreme")", "gemini-2.5-pro"); });
  EXPECT_EQ(e.message, "reasoning_effort: must be one of none, minimal, low, medium, high");
}

TEST(ChatRequestThinking, BudgetsAreClampedToTheModelAndLogged) {
  LogCapture logs;
  Settings s = Settings::parse(R"({"thinking_budgets":{"low":50,"high":40000}})");
  EXPECT_EQ(thinking(R"("reasoning_effort":"low")", "gemini-2.5-pro", s), R"({"includeThoughts":true,"thinkingBudget":128})");
  EXPECT_EQ(thinking(R"("reasoning_effort":"high")", "gemini-2.5-flash-lite", s),
            R"({"includeThoughts":true,"thinkingBudget":24576})");
  EXPECT_EQ(thinking(R"("reasoning_effort":"low")", "gemini-2.5-flash-lite", s), R"({"includeThoughts":true,"thinkingBudget":512})");
  ASSERT_EQ(LogCapture::lines().size(), 3u);
  EXPECT_EQ(LogCapture::lines()[0].text, "openai.chat -> gemini 'gemini-2.5-pro': thinking budget 50 clamped to 128");
}

TEST(ChatRequestThinking, AnthropicStyleThinkingOnTheOpenAIEndpoint) {
  EXPECT_EQ(thinking(R"("thinking":{"type":"enabled","budget_tokens":2048})", "gemini-2.5-flash"),
            R"({"includeThoughts":true,"thinkingBudget":2048})");
  EXPECT_EQ(thinking(R"("thinking":{"type":"adaptive"})", "gemini-2.5-pro"), R"({"includeThoughts":true,"thinkingBudget":-1})");
  EXPECT_EQ(thinking(R"("thinking":{"type":"disabled"})", "gemini-2.5-flash"), R"({"thinkingBudget":0})");
  EXPECT_EQ(thinking(R"("thinking":{"type":"disabled"})", "gemini-2.5-pro"), "-");
  // reasoning_effort wins over it.
  EXPECT_EQ(thinking(R"("reasoning_effort":"low","thinking":{"type":"enabled","budget_tokens":9000})", "gemini-2.5-flash"),
            R"({"includeThoughts":true,"thinkingBudget":1024})");
}

// ---- invalid input ------------------------------------------------------------------------------

TEST(ChatRequestInvalid, EachCaseGivesItsMessage) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "body: empty"},
      {"{\"messages\": [", "body: invalid JSON at byte 15"},
      {"[1]", "body: must be a JSON object"},
      {"{}", "messages: required"},
      {R"({"messages":{}})", "messages: must be an array"},
      {R"({"messages":[]})", "messages: must not be empty"},
      {R"({"messages":["hi"]})", "messages[0]: must be an object"},
      {R"({"messages":[{"content":"hi"}]})", "messages[0].role: required"},
      {R"({"messages":[{"role":1}]})", "messages[0].role: must be a string"},
      {R"({"messages":[{"role":"robot","content":"x"}]})",
       "messages[0].role: 'robot' is not supported (use system, developer, user, assistant or tool)"},
      {R"({"messages":[{"role":"user","content":5}]})", "messages[0].content: must be a string, an array of parts or null"},
      {R"({"messages":[{"role":"user","content":[{"text":"x"}]}]})", "messages[0].content[0].type: required"},
      {R"({"messages":[{"role":"user","content":[{"type":"video","video":{}}]}]})",
       "messages[0].content[0].type: 'video' is not supported by Gemini"},
      {R"({"messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA"}}]}]})",
       "messages[0].content[0].type: only text is allowed here, not 'image_url'"},
      {R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,AA"}}]}]})",
       "messages[0].content[0].image_url.url: a data URL must look like data:<mime type>;base64,<data>"},
      {R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x/a.png"}}]}]})",
       "messages[0].content[0].image_url.url: must be a data:, https:, http: or gs: URL"},
      {R"({"messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-1"}}]}]})",
       "messages[0].content[0].file: only inline files (file_data as a data URL) can be sent to Gemini"},
      {R"({"messages":[{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{x"}}]}]})",
       "messages[0].tool_calls[0].function.arguments: not valid JSON"},
      {R"({"messages":[{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"[1]"}}]}]})",
       "messages[0].tool_calls[0].function.arguments: must be a JSON object"},
      {R"({"messages":[{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"arguments":"{}"}}]}]})",
       "messages[0].tool_calls[0].function.name: must be a non-empty string"},
      {R"({"messages":[{"role":"assistant","tool_calls":{}}]})", "messages[0].tool_calls: must be an array"},
      {R"({"messages":[{"role":"tool","content":"x"}]})", "messages[0].tool_call_id: required"},
      {R"({"messages":[{"role":"function","content":"x"}]})", "messages[0].name: required"},
      {R"({"messages":[{"role":"system","content":""}]})", "messages: no message has any content to send"},
      {with(R"("tools":{})"), "tools: must be an array"},
      {with(R"("tools":["f"])"), "tools[0]: must be an object"},
      {with(R"("tools":[{"type":"custom","custom":{"name":"x"}}])"), "tools[0].type: 'custom' tools are not supported by Gemini"},
      {with(R"("tools":[{"type":"function","function":{"name":""}}])"), "tools[0].function.name: must be a non-empty string"},
      {with(R"("tools":[{"type":"function","function":{"name":"f","parameters":[]}}])"),
       "tools[0].function.parameters: must be a JSON Schema object"},
      {with(R"("tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"sometimes")"),
       "tool_choice: must be none, auto, required or a function"},
      {with(R"("tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"g"}})"),
       "tool_choice: function 'g' is not among the tools"},
      {with(R"("stream":"yes")"), "stream: must be a boolean"},
      {with(R"("stream":true,"stream_options":"x")"), "stream_options: must be an object"},
      {with(R"("stream":true,"stream_options":{"include_usage":1})"), "stream_options.include_usage: must be a boolean"},
      {with(R"("max_tokens":-1)"), "max_tokens: must be a non-negative integer"},
      {with(R"("max_completion_tokens":"9")"), "max_completion_tokens: must be a non-negative integer"},
      {with(R"("temperature":"hot")"), "temperature: must be a number"},
      {with(R"("top_p":"x")"), "top_p: must be a number"},
      {with(R"("stop":5)"), "stop: must be a string or an array of strings"},
      {with(R"("stop":["a",1])"), "stop[1]: must be a string"},
      {with(R"("seed":1.5)"), "seed: must be an integer"},
      {with(R"("n":-2)"), "n: must be a non-negative integer"},
      {with(R"("response_format":"json")"), "response_format: must be an object"},
      {with(R"("response_format":{"type":"yaml"})"), "response_format.type: must be text, json_object or json_schema"},
      {with(R"("response_format":{"type":"json_schema"})"), "response_format.json_schema: required"},
      {with(R"("reasoning_effort":3)"), "reasoning_effort: must be a string"},
  };
  for (const auto& [body, expected] : cases) {
    auto e = expect_plugin_error([&] { convert_chat_request(body, "gemini-2.5-pro", "", false, Settings{}); });
    EXPECT_EQ(e.message, expected) << body;
    EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST) << body;
    EXPECT_EQ(e.type, "invalid_request_error") << body;
    EXPECT_EQ(e.http_status, 400) << body;
  }
}

TEST(ChatRequestInvalid, DeepNestingIsRejectedBeforeParsing) {
  std::string body = R"({"messages":[{"role":"user","content":"hi"}],"x":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  auto e = expect_plugin_error([&] { convert_chat_request(body, "gemini-2.5-pro", "", false, Settings{}); });
  EXPECT_EQ(e.message, "body: nested deeper than 64 levels");
}

TEST(ChatRequestInvalid, AModelKeyThatCannotBeAPathNeedsAMapping) {
  auto e = expect_plugin_error([] { convert_chat_request(with(""), "my gemini/x", "", false, Settings{}); });
  EXPECT_EQ(e.message, "model: 'my gemini/x' cannot be used as a Gemini model name; map it in plugins.settings.gemini.model_names");
}

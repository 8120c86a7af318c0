// gemini.generate_content on the Gemini family: the near pass-through to Vertex. Requests (a
// Gemini CLI turn with parametersJsonSchema tools and thinking, every field Vertex shares passed
// unchanged, snake_case, thinking fitted to the model, hostile and wrong-typed bodies), whole
// responses (modelVersion, usage) and streams (every byte split, both framings, an error mid-way).
#include "test_support.hpp"

#include "gemini/gemini_api_request.hpp"
#include "gemini/gemini_api_response.hpp"
#include "gemini/gemini_api_stream.hpp"
#include "gemini/provider.hpp"

#include <aicore/mapping/gemini_api.hpp>

#include "support/event_sink.hpp"
#include "support/hostile_json.hpp"

#include <algorithm>

using namespace gemini_test;
using aicore::ModelNames;
using aicore::gemini::convert_gemini_api_request;
using aicore::gemini::convert_gemini_api_response;
using aicore::gemini::gemini_api_to_vertex;
using aicore::gemini::GeminiApiStream;
using aicore::gemini::ResponseContext;
using aicore::gemini::Settings;
using plugin_test::EventLog;
namespace hostile = plugin_test::hostile;
using Adapter = test_support::Adapter<aicore::gemini::GeminiProvider>;

namespace {

// The body sent upstream for `body` on `model`, and the notes the conversion logged.
Json to_vertex(const Json& body, const std::string& model = "gemini-2.5-pro", const Settings& s = Settings{}) {
  std::string notes;
  return gemini_api_to_vertex(body, model, s, notes);
}

std::string refusal(const std::string& body, const std::string& model = "gemini-2.5-pro") {
  aicore::PluginError e = expect_plugin_error([&] {
    convert_gemini_api_request(body, ModelNames{model, model}, false, Settings{});
  });
  EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST) << e.message;
  EXPECT_EQ(e.http_status, 400);
  return e.message;
}

const Json kUser = Json::parse(R"({"role":"user","parts":[{"text":"hi"}]})");

Json with_user(Json extra) {
  Json b = Json::object();
  b["contents"] = Json::array({kUser});
  for (auto it = extra.begin(); it != extra.end(); ++it) b[it.key()] = it.value();
  return b;
}

}  // namespace

// ---- requests ---------------------------------------------------------------------------------

TEST(GeminiApiRequest, GeminiCliTurnGolden) {
  LogCapture logs;
  auto r = convert_gemini_api_request(fixture("gemini_api_cli.request.json"),
                                      ModelNames{"gemini-2.5-pro", "gemini-2.5-pro"}, true, Settings{});
  EXPECT_EQ(r.target, "/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
  expect_golden_json(Json::parse(r.body), "gemini_api_cli.upstream.json");
  EXPECT_EQ(ResponseContext::decode(r.context).client_model, "gemini-2.5-pro");
  ASSERT_EQ(LogCapture::lines().size(), 1u);
  EXPECT_EQ(LogCapture::lines()[0].text,
            "gemini.generate_content -> gemini 'gemini-2.5-pro': FunctionCall.id dropped (Gemini API only); "
            "FunctionResponse.id dropped (Gemini API only); an empty text part dropped");
}

TEST(GeminiApiRequest, WhatVertexSharesPassesUnchanged) {
  LogCapture logs;
  const Json in = fixture_json("gemini_api_native.request.json");
  auto r = convert_gemini_api_request(dump(in), ModelNames{"gemini-2.5-flash", "gemini-2.5-flash"}, false, Settings{});
  EXPECT_EQ(r.target, "/models/gemini-2.5-flash:generateContent");
  EXPECT_EQ(r.body, dump(in));  // byte for byte, key order included
  EXPECT_TRUE(LogCapture::lines().empty());
}

TEST(GeminiApiRequest, SnakeCaseAndSingleMessagesBecomeCamelCaseLists) {
  const Json in = Json::parse(R"({
    "contents": {"role": "user", "parts": {"inline_data": {"mime_type": "image/png", "data": "iVBORw0KGgo="}}},
    "system_instruction": {"parts": [{"text": "s"}]},
    "tools": {"function_declarations": {"name": "f", "parameters_json_schema": {"type": "object", "properties": {"a": {"type": "string"}}}}},
    "tool_config": {"function_calling_config": {"mode": "AUTO"}},
    "safety_settings": {"category": "HARM_CATEGORY_SEXUALLY_EXPLICIT", "threshold": "BLOCK_LOW_AND_ABOVE"},
    "generation_config": {"max_output_tokens": 50, "stop_sequences": ["x"], "thinking_config": {"include_thoughts": true},
                          "response_mime_type": "application/json"}})");
  EXPECT_JSON_EQ(to_vertex(in), Json::parse(R"({
    "contents": [{"role": "user", "parts": [{"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}]}],
    "systemInstruction": {"parts": [{"text": "s"}]},
    "tools": [{"functionDeclarations": [{"name": "f", "parameters": {"type": "object", "properties": {"a": {"type": "string"}}}}]}],
    "toolConfig": {"functionCallingConfig": {"mode": "AUTO"}},
    "safetySettings": [{"category": "HARM_CATEGORY_SEXUALLY_EXPLICIT", "threshold": "BLOCK_LOW_AND_ABOVE"}],
    "generationConfig": {"maxOutputTokens": 50, "stopSequences": ["x"], "thinkingConfig": {"includeThoughts": true},
                         "responseMimeType": "application/json"}})"));
}

TEST(GeminiApiRequest, ResponseJsonSchemaBecomesResponseSchemaWithItsMimeType) {
  const Json out = to_vertex(with_user(Json::parse(R"({"generationConfig": {"responseJsonSchema": {
      "type": "object", "additionalProperties": false,
      "properties": {"next_speaker": {"type": "string", "enum": ["user", "model"]}, "reasoning": {"type": ["string", "null"]}},
      "required": ["next_speaker"]}}})")));
  EXPECT_JSON_EQ(out["generationConfig"], Json::parse(R"({
      "responseSchema": {"type": "object", "properties": {"next_speaker": {"type": "string", "enum": ["user", "model"]},
                                                          "reasoning": {"type": "string", "nullable": true}},
                         "required": ["next_speaker"]},
      "responseMimeType": "application/json"})"));
}

TEST(GeminiApiRequest, ThinkingIsFittedToTheDeploymentsModel) {
  auto thinking = [](const char* config, const char* model) {
    Json out = to_vertex(with_user(Json{{"generationConfig", {{"thinkingConfig", Json::parse(config)}}}}), model);
    return out["generationConfig"].value("thinkingConfig", Json());
  };
  // A model that does not think takes no thinkingConfig at all.
  EXPECT_TRUE(thinking(R"({"includeThoughts":true,"thinkingBudget":-1})", "gemini-2.0-flash").is_null());
  // 2.5 takes budgets: a level (Gemini CLI on a Gemini 3 name mapped here) becomes the settings' budget.
  EXPECT_JSON_EQ(thinking(R"({"includeThoughts":true,"thinkingLevel":"HIGH"})", "gemini-2.5-pro"),
                 Json::parse(R"({"includeThoughts":true,"thinkingBudget":24576})"));
  EXPECT_JSON_EQ(thinking(R"({"thinkingLevel":"low"})", "gemini-2.5-flash"), Json::parse(R"({"thinkingBudget":1024})"));
  EXPECT_JSON_EQ(thinking(R"({"thinkingLevel":"MINIMAL"})", "gemini-2.5-pro"),
                 Json::parse(R"({"thinkingBudget":128})"));
  // ... within the model's range; 0 only where thinking can be switched off.
  EXPECT_JSON_EQ(thinking(R"({"thinkingBudget":0})", "gemini-2.5-pro"), Json::parse(R"({"thinkingBudget":128})"));
  EXPECT_JSON_EQ(thinking(R"({"thinkingBudget":0})", "gemini-2.5-flash"), Json::parse(R"({"thinkingBudget":0})"));
  EXPECT_JSON_EQ(thinking(R"({"thinkingBudget":99999})", "gemini-2.5-pro"), Json::parse(R"({"thinkingBudget":32768})"));
  EXPECT_JSON_EQ(thinking(R"({"thinkingBudget":-1})", "gemini-2.5-pro"), Json::parse(R"({"thinkingBudget":-1})"));
  // Gemini 3: levels as sent; with both, the level wins (Vertex takes only one).
  EXPECT_JSON_EQ(thinking(R"({"thinkingLevel":"HIGH","thinkingBudget":2048})", "gemini-3-pro-preview"),
                 Json::parse(R"({"thinkingLevel":"HIGH"})"));
  EXPECT_JSON_EQ(thinking(R"({"thinkingLevel":"low"})", "gemini-3-flash-preview"),
                 Json::parse(R"({"thinkingLevel":"low"})"));
}

TEST(GeminiApiRequest, GeminiApiOnlyFieldsAreDroppedAndNoted) {
  LogCapture logs;
  const std::string body = R"({"model":"models/gemini-2.5-pro","serviceTier":"flex","contents":[
      {"role":"user","parts":[{"text":"hi","partMetadata":{"k":1}},{"inlineData":{"mimeType":"image/png","data":"AA==","displayName":"a.png"}}]},
      {"role":"model","parts":[{"functionCall":{"id":"c1","name":"f","args":{}}}]},
      {"role":"user","parts":[{"functionResponse":{"id":"c1","name":"f","response":{},"willContinue":false,"scheduling":"SILENT"}}]}],
    "tools":[{"functionDeclarations":[{"name":"f","behavior":"NON_BLOCKING"}]},{"googleSearch":{"timeRangeFilter":{"startTime":"2024-01-01T00:00:00Z"}}}],
    "toolConfig":{"includeServerSideToolInvocations":true},
    "generationConfig":{"enableEnhancedCivicAnswers":true}})";
  auto r = convert_gemini_api_request(body, ModelNames{"gemini-2.5-pro", "gemini-2.5-pro"}, false, Settings{});
  EXPECT_JSON_EQ(Json::parse(r.body), Json::parse(R"({"contents":[
      {"role":"user","parts":[{"text":"hi"},{"inlineData":{"mimeType":"image/png","data":"AA=="}}]},
      {"role":"model","parts":[{"functionCall":{"name":"f","args":{}}}]},
      {"role":"user","parts":[{"functionResponse":{"name":"f","response":{}}}]}],
    "tools":[{"functionDeclarations":[{"name":"f"}]},{"googleSearch":{}}],
    "toolConfig":{},
    "generationConfig":{}})"));
  ASSERT_EQ(LogCapture::lines().size(), 1u);
  EXPECT_EQ(
      LogCapture::lines()[0].text,
      "gemini.generate_content -> gemini 'gemini-2.5-pro': model dropped (the path names it); "
      "GenerateContentRequest.serviceTier dropped (Gemini API only); Part.partMetadata dropped (Gemini API only); "
      "Blob.displayName dropped (Gemini API only); FunctionCall.id dropped (Gemini API only); "
      "FunctionResponse.id dropped (Gemini API only); FunctionResponse.willContinue dropped (Gemini API only); "
      "FunctionResponse.scheduling dropped (Gemini API only); FunctionDeclaration.behavior dropped (Gemini API "
      "only); GoogleSearch.timeRangeFilter dropped (Gemini API only); ToolConfig.includeServerSideToolInvocations "
      "dropped (Gemini API only); GenerationConfig.enableEnhancedCivicAnswers dropped (Gemini API only)");
}

TEST(GeminiApiRequest, EmptyPartsAndTheContentsTheyEmptyAreDropped) {
  const Json out = to_vertex(Json::parse(R"({"contents":[
      {"role":"user","parts":[{"text":"a"}]},
      {"role":"model","parts":[{"text":"","thoughtSignature":"c2ln"}]},
      {"role":"user","parts":[{"text":"b"},{"thought":true}]}],
    "systemInstruction":{"parts":[{"text":""}]}})"));
  EXPECT_JSON_EQ(
      out,
      Json::parse(R"({"contents":[{"role":"user","parts":[{"text":"a"}]},{"role":"user","parts":[{"text":"b"}]}]})"));
}

TEST(GeminiApiRequest, ASignatureThisGatewayWroteForClaudeIsDroppedAGeminiOneKept) {
  // A session that switched from Claude to Gemini: Vertex would refuse Claude's signed thinking.
  const std::string ours =
      aicore::mapping::encode_thought_signature(Json::parse(R"([{"type":"thinking","thinking":"t","signature":"s"}])"));
  const Json body = Json::parse(R"({"contents":[{"role":"user","parts":[{"text":"a"}]},
      {"role":"model","parts":[{"functionCall":{"name":"f","args":{}},"thoughtSignature":")" +
                                ours + R"("},
                               {"functionCall":{"name":"g","args":{}},"thoughtSignature":"c2ln"}]},
      {"role":"user","parts":[{"functionResponse":{"name":"f","response":{}}},
                              {"functionResponse":{"name":"g","response":{}}}]}]})");
  const Json parts = to_vertex(body)["contents"][1]["parts"];
  EXPECT_FALSE(parts[0].contains("thoughtSignature")) << parts.dump();
  EXPECT_EQ(parts[1]["thoughtSignature"], "c2ln");
}

TEST(GeminiApiRequest, FunctionCallingConfigWithoutFunctionsIsDropped) {
  // Vertex: "Function calling config is set without function_declarations".
  const Json out = to_vertex(with_user(Json::parse(R"({"toolConfig":{"functionCallingConfig":{"mode":"AUTO"}}})")));
  EXPECT_FALSE(out.contains("toolConfig"));
}

TEST(GeminiApiRequest, ConfiguredSafetySettingsApplyWhenTheClientSendsNone) {
  Settings s = Settings::parse(R"({"safety_settings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"OFF"}]})");
  EXPECT_EQ(to_vertex(with_user(Json::object()), "gemini-2.5-pro", s)["safetySettings"],
            Json::parse(R"([{"category":"HARM_CATEGORY_HARASSMENT","threshold":"OFF"}])"));
  const Json own =
      Json::parse(R"({"safetySettings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_NONE"}]})");
  EXPECT_EQ(to_vertex(with_user(own), "gemini-2.5-pro", s)["safetySettings"], own["safetySettings"]);
}

TEST(GeminiApiRequest, TheConfiguredKeysGeminiModelIsTheTarget) {
  Settings s = Settings::parse(R"({"model_names":{"gemini-eu":"gemini-2.5-flash"}})");
  auto r = convert_gemini_api_request(dump(with_user(Json::object())), ModelNames{"gemini-eu", "my-alias"}, true, s);
  EXPECT_EQ(r.target, "/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
  EXPECT_EQ(ResponseContext::decode(r.context).client_model, "my-alias");
}

TEST(GeminiApiRequest, RefusalsNameTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"([])", "body: must be an object"},
      {R"({})", "contents: required"},
      {R"({"contents":[]})", "contents: no content has a part to send"},
      {R"({"contents":"x","generationConfig":7})", "contents: must be an array"},
      {R"({"contents":[{"role":"user","parts":[{"bogus":1}]}]})",
       "contents[0].parts[0].bogus: unknown field (Vertex AI, which serves Gemini on SAP AI Core, rejects it)"},
      {R"({"contents":[{"role":"user","parts":[{"text":5}]}]})", "contents[0].parts[0].text: must be a string"},
      {R"({"contents":[{"role":"assistant","parts":[{"text":"x"}]}]})", "contents[0].role: must be user or model"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x","inlineData":{"mimeType":"a/b","data":""}}]}]})",
       "contents[0].parts[0]: sets both text and inlineData (a part holds one of text, inlineData, fileData, "
       "functionCall, functionResponse, executableCode, codeExecutionResult)"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":7})",
       "generationConfig: must be an object"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"maxOutputTokens":1.5}})",
       "generationConfig.maxOutputTokens: must be an integer"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"max_output_tokens":5,"maxOutputTokens":5}})",
       "generationConfig.maxOutputTokens: the same field is also given under its other spelling"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":-5}}})",
       "generationConfig.thinkingConfig.thinkingBudget: must be -1 (dynamic), 0 (off) or a number of tokens"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"thinkingConfig":{"thinkingLevel":"extreme"}}})",
       "generationConfig.thinkingConfig.thinkingLevel: must be MINIMAL, LOW, MEDIUM or HIGH"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"responseSchema":{"type":"OBJECT"},"responseJsonSchema":{"type":"object"}}})",
       "generationConfig.responseJsonSchema: give either responseSchema or responseJsonSchema"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"OBJECT"},"parametersJsonSchema":{"type":"object"}}]}]})",
       "tools[0].functionDeclarations[0].parametersJsonSchema: give either parameters or parametersJsonSchema"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"description":"no name"}]}]})",
       "tools[0].functionDeclarations[0].name: required"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f","parametersJsonSchema":"object"}]}]})",
       "tools[0].functionDeclarations[0].parametersJsonSchema: must be a JSON Schema object"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"tools":[{"fileSearch":{"fileSearchStoreNames":["s"]}}]})",
       "tools[0].fileSearch: the Gemini API's file search stores cannot be reached through SAP AI Core"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"cachedContent":"cachedContents/abc"})",
       "cachedContent: the Gemini API's cached contents cannot be used through SAP AI Core; send the contents "
       "themselves"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"labels":{"team":1}})", "labels.team: must be a string"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"candidateCount":18446744073709551615}})",
       "generationConfig.candidateCount: out of range"},
      {R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"OFF","bogus":1}]})",
       "safetySettings[0].bogus: unknown field (Vertex AI, which serves Gemini on SAP AI Core, rejects it)"},
  };
  for (const auto& [body, message] : cases) EXPECT_EQ(refusal(body), message) << body;
}

// Hostile JSON and every value of a wrong type, through the C ABI on a worker-sized stack: a
// clear 400 or a well-formed body, never a crash or a 500.
TEST(GeminiApiRequest, HostileAndWrongTypedBodiesAreRefusedCleanly) {
  Adapter a("{}");
  const std::string cli = fixture("gemini_api_cli.request.json");
  const std::string native = fixture("gemini_api_native.request.json");
  for (const std::string& rich : {cli, native})
    for (const auto& [what, body] : hostile::wrong_types(dump(Json::parse(rich))))
      hostile::expect_client_verdict(a, ACP_DIALECT_GEMINI_GENERATE_CONTENT, "gemini-2.5-pro", body,
                                     "wrong type: " + what);
  const std::vector<std::string> templates = {
      R"({"model":"M","contents":@})",
      R"({"model":"M","contents":[@]})",
      R"({"model":"M","contents":[{"role":"user","parts":@}]})",
      R"({"model":"M","contents":[{"role":"user","parts":[{"text":"hi"}]},{"role":"model","parts":[{"functionCall":{"name":"f","args":@}}]}]})",
      R"({"model":"M","contents":[{"role":"user","parts":[{"functionResponse":{"name":"f","response":@}}]}]})",
      R"({"model":"M","contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"f","parametersJsonSchema":@}]}]})",
      R"({"model":"M","contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":@}]}]})",
      R"({"model":"M","contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"responseJsonSchema":@}})",
      R"({"model":"M","contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":@}})",
      R"({"model":"M","contents":[{"role":"user","parts":[{"text":"hi"}]}],"labels":@})",
  };
  for (const auto& [what, body] : hostile::client_bodies(templates, "gemini-2.5-pro")) {
    hostile::Outcome o =
        hostile::expect_client_verdict(a, ACP_DIALECT_GEMINI_GENERATE_CONTENT, "gemini-2.5-pro", body, what);
    if (what.starts_with("nesting one past the limit") || what.starts_with("arrays nested 100,000") ||
        what.starts_with("objects nested one past")) {
      EXPECT_NE(o.message.find("nested deeper than"), std::string::npos) << what << ": " << o.message;
    }
  }
}

// ---- whole responses --------------------------------------------------------------------------

TEST(GeminiApiResponse, PassesThroughWithTheClientsModelAndReportsUsage) {
  ResponseContext ctx;
  ctx.client_model = "gemini-cli-model";
  aicore::Usage usage;
  const std::string out = convert_gemini_api_response(fixture("gemini_text.response.json"), ctx, &usage);
  Json expected = fixture_json("gemini_text.response.json");
  expected["modelVersion"] = "gemini-cli-model";
  EXPECT_EQ(out, dump(expected));
  EXPECT_EQ(usage.input_tokens, 120);
  EXPECT_EQ(usage.output_tokens, 47);  // candidates 7 + thoughts 40, as the chat dialects count
  EXPECT_EQ(usage.reasoning_tokens, 40);
  EXPECT_EQ(usage.cache_read_tokens, 100);
}

TEST(GeminiApiResponse, ABlockedPromptIsTheClientsAnswerAndAnArrayOfOneIsFolded) {
  ResponseContext ctx;
  ctx.client_model = "m";
  const std::string blocked = R"({"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":3}})";
  EXPECT_EQ(convert_gemini_api_response(blocked, ctx),
            R"({"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":3},"modelVersion":"m"})");
  EXPECT_EQ(convert_gemini_api_response("[" + blocked + "]", ctx), convert_gemini_api_response(blocked, ctx));
}

TEST(GeminiApiResponse, AnErrorOrJunkIsAnUpstreamError) {
  ResponseContext ctx;
  for (const char* body : {R"({"error":{"code":500,"message":"boom","status":"INTERNAL"}})", "[1,2]", "7", "{"}) {
    aicore::PluginError e = expect_plugin_error([&] { convert_gemini_api_response(body, ctx); });
    EXPECT_EQ(e.status, ACP_ERR_UPSTREAM) << body;
  }
}

TEST(GeminiApiResponse, ThroughTheAbi) {
  Adapter a("{}");
  test_support::Request req;
  test_support::Error err;
  ASSERT_EQ(a.convert_request(ACP_DIALECT_GEMINI_GENERATE_CONTENT, "gemini-2.5-pro", "gemini-2.5-pro",
                              dump(with_user(Json::object())), false, req, err),
            ACP_OK)
      << err.message;
  EXPECT_EQ(req.target, "/models/gemini-2.5-pro:generateContent");
  test_support::Collect out;
  ASSERT_EQ(a.convert_response(ACP_DIALECT_GEMINI_GENERATE_CONTENT, "gemini-2.5-pro", req.context, 200,
                               fixture("gemini_text.response.json"), out, err),
            ACP_OK)
      << err.message;
  EXPECT_EQ(Json::parse(out.joined())["modelVersion"], "gemini-2.5-pro");
}

// ---- streams ----------------------------------------------------------------------------------

namespace {

ResponseContext stream_ctx() {
  ResponseContext c;
  c.client_model = "gemini-cli-model";
  return c;
}

struct StreamRun {
  std::vector<std::string> calls;   // EventLog's record of every sink call
  std::vector<std::string> events;  // the client events
  aicore::Usage usage;
  std::string error;  // what finish() threw, if anything
};

StreamRun run(const std::vector<std::string_view>& pieces) {
  EventLog log;
  GeminiApiStream s(stream_ctx());
  StreamRun r;
  try {
    for (auto p : pieces) s.feed(p, log.sink());
    s.finish(log.sink());
  } catch (const aicore::PluginError& e) { r.error = e.message; }
  r.calls = log.calls;
  r.events = log.events;
  r.usage = log.usage;
  return r;
}

// The upstream's events as the client should see them: each data payload, modelVersion rewritten.
std::vector<std::string> expected_events(const std::string& sse) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = sse.find("data: ", pos)) != std::string::npos) {
    const size_t end = sse.find('\n', pos);
    Json j = Json::parse(sse.substr(pos + 6, end - pos - 6));
    j["modelVersion"] = "gemini-cli-model";
    out.push_back("data: " + dump(j) + "\n\n");
    pos = end;
  }
  return out;
}

// The same objects in Vertex's other framing: one JSON array arriving piece by piece.
std::string as_json_array(const std::string& sse) {
  std::string out;
  size_t pos = 0;
  while ((pos = sse.find("data: ", pos)) != std::string::npos) {
    const size_t end = sse.find('\n', pos);
    out += (out.empty() ? "[" : "\n,\r\n") + Json::parse(sse.substr(pos + 6, end - pos - 6)).dump(2);
    pos = end;
  }
  return out + "\n]";
}

void expect_same_at_every_split(const std::string& upstream, const StreamRun& whole) {
  for (size_t i = 1; i < upstream.size(); ++i) {
    const std::string_view u(upstream);
    StreamRun split = run({u.substr(0, i), u.substr(i)});
    ASSERT_EQ(split.calls, whole.calls) << "split at " << i;
    ASSERT_EQ(split.events, whole.events) << "split at " << i;
    ASSERT_EQ(split.error, whole.error) << "split at " << i;
  }
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < upstream.size(); ++i) bytes.push_back(std::string_view(upstream).substr(i, 1));
  StreamRun one = run(bytes);
  EXPECT_EQ(one.calls, whole.calls) << "byte by byte";
  EXPECT_EQ(one.events, whole.events) << "byte by byte";
}

}  // namespace

TEST(GeminiApiStream, EachUpstreamChunkIsOneEventAtEveryByteSplit) {
  for (const char* name : {"gemini_text.sse", "gemini_tools.sse"}) {
    SCOPED_TRACE(name);
    const std::string upstream = fixture(name);
    StreamRun whole = run({upstream});
    EXPECT_EQ(whole.error, "");
    EXPECT_EQ(whole.events, expected_events(upstream));
    EXPECT_EQ(whole.calls.back(), "end");
    EXPECT_EQ(std::count(whole.calls.begin(), whole.calls.end(), "end"), 1);
    expect_same_at_every_split(upstream, whole);
    // Vertex without alt=sse: a JSON array, the same events.
    const std::string array = as_json_array(upstream);
    StreamRun arr = run({array});
    EXPECT_EQ(arr.calls, whole.calls);
    EXPECT_EQ(arr.events, whole.events);
    expect_same_at_every_split(array, whole);
  }
}

TEST(GeminiApiStream, UsageIsReportedAsItArrives) {
  StreamRun r = run({fixture("gemini_text.sse")});
  EXPECT_EQ(r.usage.input_tokens, 120);
  EXPECT_EQ(r.usage.output_tokens, 49);
  EXPECT_EQ(r.usage.reasoning_tokens, 40);
  EXPECT_EQ(r.usage.cache_read_tokens, 100);
  EXPECT_EQ(std::count(r.calls.begin(), r.calls.end(), "usage"), 4);  // one per chunk with usageMetadata
}

TEST(GeminiApiStream, AnUpstreamErrorMidStreamIsTypedThenTheErrorChunkThenTheEnd) {
  // Bytes after the error (even a finishing chunk) are never read, however the stream is split.
  const std::string upstream =
      fixture("gemini_error.sse") +
      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"late\"}]},\"finishReason\":\"STOP\"}]}\n\n";
  StreamRun whole = run({upstream});
  ASSERT_EQ(whole.calls, (std::vector<std::string>{"event", "upstream_error 1 503 UNAVAILABLE", "event", "end"}));
  EXPECT_EQ(whole.events[1],
            "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again "
            "later.\",\"status\":\"UNAVAILABLE\"}}\n\n");
  EXPECT_EQ(whole.error, "");
  expect_same_at_every_split(upstream, whole);
}

TEST(GeminiApiStream, ErrorsAreClassifiedByGooglesStatus) {
  auto first_calls = [](const std::string& error) {
    StreamRun r = run({"data: {\"error\":" + error + "}\n\n"});
    return std::vector<std::string>(r.calls.begin(), r.calls.end() - 2);  // without the event and the end
  };
  EXPECT_EQ(first_calls(R"({"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"})"),
            std::vector<std::string>{"upstream_error 1 429 RESOURCE_EXHAUSTED"});
  EXPECT_EQ(first_calls(R"({"code":400,"message":"bad","status":"INVALID_ARGUMENT"})"),
            std::vector<std::string>{"upstream_error 0 400 INVALID_ARGUMENT"});
  EXPECT_EQ(first_calls(R"({"code":500,"message":"oops","status":"INTERNAL"})"),
            std::vector<std::string>{"upstream_error 1 502 INTERNAL"});
  StreamRun bare = run({"data: {\"error\":\"boom\"}\n\n"});
  EXPECT_EQ(bare.events.back(), "data: {\"error\":{\"code\":502,\"message\":\"boom\",\"status\":\"INTERNAL\"}}\n\n");
}

TEST(GeminiApiStream, AStreamCutBeforeFinishReasonIsAnErrorAndABlockedPromptIsComplete) {
  StreamRun cut = run({"data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}]}}]}\n\n"});
  EXPECT_EQ(cut.error, "upstream stream ended before Gemini's finishReason");
  EXPECT_EQ(std::count(cut.calls.begin(), cut.calls.end(), "end"), 0);
  StreamRun half = run({"data: {\"candidates\":[{\"finishReason\":\"STOP\"}]}\n\ndata: {\"candid"});
  EXPECT_EQ(half.error, "upstream stream ended before Gemini's finishReason");
  StreamRun blocked = run({"data: {\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}\n\n"});
  EXPECT_EQ(blocked.error, "");
  EXPECT_EQ(blocked.calls.back(), "end");
}

TEST(GeminiApiStream, HostileUpstreamBytesThroughTheAbi) {
  Adapter a("{}");
  const std::string ctx = R"({"v":"gemini.v1","m":"gemini-2.5-pro"})";
  for (const auto& [what, v] : hostile::values()) {
    hostile::expect_upstream_verdict(a, ACP_DIALECT_GEMINI_GENERATE_CONTENT, "gemini-2.5-pro", ctx, v, what);
    hostile::expect_stream_verdict(a, ACP_DIALECT_GEMINI_GENERATE_CONTENT, "gemini-2.5-pro", ctx, "data: " + v + "\n\n",
                                   what);
    hostile::expect_stream_verdict(a, ACP_DIALECT_GEMINI_GENERATE_CONTENT, "gemini-2.5-pro", ctx,
                                   "data: {\"candidates\":" + v + "}\n\n", what);
  }
}

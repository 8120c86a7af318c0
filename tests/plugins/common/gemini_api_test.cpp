// The Gemini API over Chat Completions: request conversion (a Gemini CLI body among the goldens,
// in both spellings), function-call pairing, the signed-thinking round trip through
// thoughtSignature, client mistakes and hostile bodies, whole responses, stream chunks (fed split at
// every byte offset through a plugin's chat hooks), errors, and countTokens.
#include "test_support.hpp"

#include <aicore/mapping/gemini_api.hpp>
#include <aicore/mapping/gemini_provider.hpp>
#include <aicore/mapping/responses.hpp>

using namespace mapping_test;
using aicore::mapping::Changes;
using aicore::mapping::chat_to_gemini_response;
using aicore::mapping::ChatToGeminiStream;
using aicore::mapping::decode_thought_signature;
using aicore::mapping::Emit;
using aicore::mapping::encode_thought_signature;
using aicore::mapping::gemini_to_chat_request;
using aicore::mapping::gemini_usage;
using aicore::mapping::GeminiAsChat;

namespace {

constexpr const char* kModel = "anthropic--claude-4.5-sonnet";

GeminiAsChat convert(const Json& body, bool stream = false) {
  Changes changes;
  return gemini_to_chat_request(body, kModel, stream, changes);
}
Json chat_of(const char* body) { return convert(Json::parse(body)).chat; }
Json messages_of(const char* body) { return chat_of(body)["messages"]; }

// Signed thinking as the Claude plugin writes it into chat `thinking_blocks`.
Json claude_blocks() {
  return Json::parse(R"([
    {"type":"thinking","thinking":"Let me weigh both options.\nFirst: \"quotes\", unicode \u00e9\u4e2d, tabs\t.","signature":"EqQBCkgIBhABGAIiQKmB3k9Zs2o+Lw/x=="},
    {"type":"redacted_thinking","data":"EmwKAhgBEgy3vRZ/p0vC1cN+aQ=="}
  ])");
}

// ---- request --------------------------------------------------------------------------------

TEST(GeminiRequest, GeminiCliRequestMatchesGolden) {
  Changes changes;
  GeminiAsChat r = gemini_to_chat_request(fixture_json("gemini_api/gemini_cli.request.json"), kModel, true, changes);
  Json out{{"chat", r.chat},
           {"include_thoughts", r.include_thoughts},
           {"changes", changes.summary()},
           {"warnings", changes.warnings()}};
  expect_golden_json(out, "gemini_api/gemini_cli.chat.json");

  // What the golden must show, spelled out.
  const Json& chat = r.chat;
  EXPECT_TRUE(r.include_thoughts);
  EXPECT_EQ(chat["model"], kModel);
  EXPECT_EQ(chat["stream"], true);
  EXPECT_EQ(chat["stream_options"], Json::parse(R"({"include_usage":true})"));
  EXPECT_EQ(chat["reasoning_effort"], "medium");  // thinkingBudget 8192
  EXPECT_EQ(chat["max_completion_tokens"], 65536);
  EXPECT_EQ(chat["top_k"], 64);
  EXPECT_EQ(chat["top_p"], 0.95);
  EXPECT_EQ(chat["stop"], Json::parse(R"(["<end/>"])"));
  EXPECT_EQ(chat["tool_choice"], "auto");
  ASSERT_EQ(chat["tools"].size(), 2u);
  EXPECT_EQ(chat["tools"][0]["function"]["parameters"]["required"], Json::parse(R"(["command"])"));
  EXPECT_EQ(
      chat["tools"][1]["function"]["parameters"],
      Json::parse(R"({"type":"object","properties":{"absolute_path":{"type":"string","description":"Absolute path"},
              "offset":{"type":["integer","null"]},"limit":{"type":"number","format":"double"}},"required":["absolute_path"]})"));
  for (const char* key : {"contents", "generationConfig", "safetySettings", "labels", "systemInstruction"})
    EXPECT_FALSE(chat.contains(key)) << key;

  const Json& m = chat["messages"];
  ASSERT_EQ(m.size(), 7u) << m.dump(2);
  EXPECT_EQ(
      m[0],
      Json::parse(
          R"({"role":"system","content":"You are an interactive CLI agent specializing in software engineering tasks."})"));
  EXPECT_EQ(m[1]["content"].size(), 2u);
  EXPECT_EQ(m[2]["role"], "assistant");
  EXPECT_EQ(m[2]["reasoning_content"], "**Checking the build**\n\nI should look at the test output first.");
  EXPECT_FALSE(m[2].contains("thinking_blocks"));  // Gemini CLI's placeholder signature: not ours
  EXPECT_EQ(m[2]["tool_calls"][0]["id"], "call_1_1");
  EXPECT_EQ(m[2]["tool_calls"][0]["function"]["arguments"], R"({"command":"make test","directory":"src"})");
  // Gemini CLI made up ids for calls that had none: paired by name and order instead.
  EXPECT_EQ(m[3]["tool_call_id"], "call_1_1");
  EXPECT_EQ(m[3]["content"], "Command: make test\nExit Code: 2\nerror: undefined reference to `parse'");
  EXPECT_EQ(m[4]["tool_call_id"], "call_1_2");
  EXPECT_EQ(m[5],
            Json::parse(R"({"role":"assistant","content":"The link step misses parse.o. Add it to the test rule."})"));
  const Json& last = m[6]["content"];
  ASSERT_EQ(last.size(), 4u);
  EXPECT_EQ(last[1]["image_url"]["url"].get<std::string>().substr(0, 22), "data:image/png;base64,");
  EXPECT_EQ(last[2]["file"]["filename"], "spec.pdf");
  EXPECT_EQ(last[3], Json::parse(R"({"type":"text","text":"TODO: link parse.o into the test binary."})"));
  EXPECT_TRUE(changes.warnings().empty());
}

// The Gemini API takes both spellings of every field; so does the conversion.
TEST(GeminiRequest, SnakeCaseGivesTheSameChat) {
  EXPECT_EQ(convert(fixture_json("gemini_api/gemini_cli.snake.request.json"), true).chat,
            convert(fixture_json("gemini_api/gemini_cli.request.json"), true).chat);
}

TEST(GeminiRequest, MinimalRequests) {
  EXPECT_EQ(chat_of(R"({"contents":[{"parts":[{"text":"Hi"}]}]})"),
            Json::parse(R"({"model":"anthropic--claude-4.5-sonnet","messages":[{"role":"user","content":"Hi"}]})"));
  GeminiAsChat s = convert(Json::parse(R"({"contents":[{"role":"user","parts":[{"text":"Hi"}]}]})"), true);
  EXPECT_EQ(s.chat["stream"], true);
  EXPECT_EQ(s.chat["stream_options"]["include_usage"], true);
  EXPECT_FALSE(s.include_thoughts);
  // A string system instruction (some clients send one), empty text parts and empty turns.
  EXPECT_EQ(messages_of(R"({"systemInstruction":"Be brief.","contents":[{"role":"user","parts":[]},
              {"role":"user","parts":[{"text":""},{"text":"Hi"}]}]})"),
            Json::parse(R"([{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}])"));
  EXPECT_EQ(
      messages_of(
          R"({"systemInstruction":{"parts":[{"text":"A."},{"text":"B."}]},"contents":[{"parts":[{"text":"Hi"}]}]})")[0],
      Json::parse(R"({"role":"system","content":"A.\nB."})"));
}

// A model turn of thoughts alone reaches no upstream; signed thinking alone keeps its turn, with
// empty content (OpenAI refuses an assistant message with neither content nor tool calls).
TEST(GeminiRequest, ModelTurnsWithoutAnswerText) {
  Json body = Json::parse(R"({"contents":[{"parts":[{"text":"Hi"}]},
    {"role":"model","parts":[{"text":"Only thinking.","thought":true}]},
    {"role":"model","parts":[{"text":""}]},
    {"parts":[{"text":"And?"}]},
    {"role":"model","parts":[{"text":"Hmm.","thought":true},{"text":""}]}]})");
  body["contents"][4]["parts"][1]["thoughtSignature"] = encode_thought_signature(claude_blocks());
  Json m = convert(body).chat["messages"];
  ASSERT_EQ(m.size(), 3u) << m.dump(2);
  EXPECT_EQ(m[1], Json::parse(R"({"role":"user","content":"And?"})"));
  EXPECT_EQ(m[2]["content"], "");
  EXPECT_EQ(m[2]["reasoning_content"], "Hmm.");
  EXPECT_EQ(m[2]["thinking_blocks"], claude_blocks());
}

TEST(GeminiRequest, OpenApiSchemaBecomesJsonSchema) {
  Json chat = chat_of(R"({"contents":[{"parts":[{"text":"Hi"}]}],"tools":[{"functionDeclarations":[{"name":"f",
    "parameters":{"type":"OBJECT","properties":{
      "mode":{"type":"STRING","format":"enum","enum":["a","b"],"example":"a"},
      "tags":{"type":"ARRAY","items":{"type":"STRING"},"minItems":"1","maxItems":"5"},
      "name":{"type":"STRING","nullable":true,"maxLength":"64","pattern":"^[a-z]+$"},
      "any":{"anyOf":[{"type":"INTEGER"},{"type":"BOOLEAN"}]},
      "x":{"type":"TYPE_UNSPECIFIED","description":"anything"}},
    "required":["mode"],"propertyOrdering":["mode","tags"]}}]}]})");
  EXPECT_EQ(chat["tools"][0]["function"]["parameters"], Json::parse(R"({"type":"object","properties":{
      "mode":{"type":"string","enum":["a","b"],"examples":["a"]},
      "tags":{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":5},
      "name":{"type":["string","null"],"maxLength":64,"pattern":"^[a-z]+$"},
      "any":{"anyOf":[{"type":"integer"},{"type":"boolean"}]},
      "x":{"description":"anything"}},
    "required":["mode"]})"));
  // parametersJsonSchema is JSON Schema already: unchanged, whatever it holds.
  Json js = Json::parse(
      R"({"type":"object","properties":{"p":{"type":"string","format":"uri"}},"additionalProperties":false,"$schema":"x"})");
  Json body =
      Json::parse(R"({"contents":[{"parts":[{"text":"Hi"}]}],"tools":[{"functionDeclarations":[{"name":"g"}]}]})");
  body["tools"][0]["functionDeclarations"][0]["parametersJsonSchema"] = js;
  EXPECT_EQ(convert(body).chat["tools"][0]["function"]["parameters"], js);
  // No parameters at all: a function without them.
  body["tools"][0]["functionDeclarations"][0].erase("parametersJsonSchema");
  EXPECT_EQ(convert(body).chat["tools"][0], Json::parse(R"({"type":"function","function":{"name":"g"}})"));
}

TEST(GeminiRequest, FunctionCallingConfigBecomesToolChoice) {
  auto choice = [](const char* fcc) {
    Json body = Json::parse(R"({"contents":[{"parts":[{"text":"Hi"}]}],
      "tools":[{"functionDeclarations":[{"name":"a"},{"name":"b"}]}]})");
    body["toolConfig"] = {{"functionCallingConfig", Json::parse(fcc)}};
    Json chat = convert(body).chat;
    return chat.value("tool_choice", Json());
  };
  EXPECT_EQ(choice(R"({"mode":"AUTO"})"), "auto");
  EXPECT_EQ(choice(R"({"mode":"VALIDATED"})"), "auto");
  EXPECT_EQ(choice(R"({"mode":"NONE"})"), "none");
  EXPECT_EQ(choice(R"({"mode":"ANY"})"), "required");
  EXPECT_EQ(choice(R"({"mode":"any","allowedFunctionNames":["b"]})"),
            Json::parse(R"({"type":"function","function":{"name":"b"}})"));
  EXPECT_EQ(choice(R"({"mode":"ANY","allowedFunctionNames":["a","b"]})"), "required");
  EXPECT_TRUE(choice(R"({})").is_null());
  // Without function declarations there is nothing to choose from: dropped.
  Changes changes;
  Json chat =
      gemini_to_chat_request(
          Json::parse(
              R"({"contents":[{"parts":[{"text":"Hi"}]}],"toolConfig":{"functionCallingConfig":{"mode":"ANY"}}})"),
          kModel, false, changes)
          .chat;
  EXPECT_FALSE(chat.contains("tool_choice"));
  EXPECT_EQ(changes.summary(), "dropped toolConfig (no functionDeclarations)");
}

TEST(GeminiRequest, ThinkingConfigBecomesReasoningEffort) {
  struct Case {
    const char* config;
    Json effort;
    bool thoughts;
  };
  const Case cases[] = {
      {R"({"thinkingBudget":0})", "none", false},
      {R"({"thinkingBudget":512})", "low", false},
      {R"({"thinkingBudget":4095,"includeThoughts":true})", "low", true},
      {R"({"thinkingBudget":4096})", "medium", false},
      {R"({"thinkingBudget":8192,"includeThoughts":true})", "medium", true},
      {R"({"thinkingBudget":16384})", "high", false},
      {R"({"thinkingBudget":-1})", "medium", false},
      {R"({"thinkingLevel":"HIGH","includeThoughts":true})", "high", true},
      {R"({"thinkingLevel":"low"})", "low", false},
      {R"({"thinkingLevel":"MINIMAL"})", "minimal", false},
      {R"({"thinkingLevel":"THINKING_LEVEL_UNSPECIFIED"})", nullptr, false},
      {R"({"includeThoughts":true})", "medium", true},
      {R"({"includeThoughts":false})", nullptr, false},
      {R"({"thinking_budget":20000,"include_thoughts":true})", "high", true},
  };
  for (const Case& c : cases) {
    Json body = Json::parse(R"({"contents":[{"parts":[{"text":"Hi"}]}]})");
    body["generationConfig"] = {{"thinkingConfig", Json::parse(c.config)}};
    GeminiAsChat r = convert(body);
    EXPECT_EQ(r.chat.value("reasoning_effort", Json()), c.effort) << c.config;
    EXPECT_EQ(r.include_thoughts, c.thoughts) << c.config;
  }
}

TEST(GeminiRequest, GenerationConfigMapsToChat) {
  Changes changes;
  Json chat = gemini_to_chat_request(Json::parse(R"({"contents":[{"parts":[{"text":"Hi"}]}],
    "generationConfig":{"temperature":0.2,"topP":0.9,"topK":40.0,"candidateCount":1,"seed":7,
      "presencePenalty":0.5,"frequency_penalty":0.1,"responseModalities":["TEXT"],"responseLogprobs":true,
      "mediaResolution":"MEDIA_RESOLUTION_LOW"}})"),
                                     kModel, false, changes)
                  .chat;
  EXPECT_EQ(chat, Json::parse(R"({"model":"anthropic--claude-4.5-sonnet","messages":[{"role":"user","content":"Hi"}],
    "temperature":0.2,"top_p":0.9,"top_k":40,"seed":7,"presence_penalty":0.5,"frequency_penalty":0.1})"));
  EXPECT_EQ(changes.summary(),
            "dropped generationConfig.responseLogprobs, generationConfig.mediaResolution (not in Chat Completions)");
}

TEST(GeminiRequest, ResponseFormats) {
  auto format = [](const char* config) {
    Json body = Json::parse(R"({"contents":[{"parts":[{"text":"Hi"}]}]})");
    body["generationConfig"] = Json::parse(config);
    return convert(body).chat.value("response_format", Json());
  };
  EXPECT_EQ(format(R"({"responseMimeType":"application/json"})"), Json::parse(R"({"type":"json_object"})"));
  EXPECT_TRUE(format(R"({"responseMimeType":"text/plain"})").is_null());
  EXPECT_EQ(format(R"({"responseMimeType":"application/json","responseSchema":{"type":"OBJECT",
      "properties":{"ok":{"type":"BOOLEAN"}},"required":["ok"]}})"),
            Json::parse(R"({"type":"json_schema","json_schema":{"name":"response","schema":{"type":"object",
      "properties":{"ok":{"type":"boolean"}},"required":["ok"]}}})"));
  EXPECT_EQ(format(R"({"responseMimeType":"application/json","responseJsonSchema":{"type":"object",
      "properties":{"next_speaker":{"type":"string","enum":["user","model"]}}}})"),
            Json::parse(R"({"type":"json_schema","json_schema":{"name":"response","schema":{"type":"object",
      "properties":{"next_speaker":{"type":"string","enum":["user","model"]}}}}})"));
}

// Gemini's calls carry no ids (newer clients may add one); the conversion makes ids of the call's
// place, and pairs each functionResponse with its call: by id when the call had one, else by
// name in order.
TEST(GeminiRequest, FunctionResponsesPairWithTheirCalls) {
  Json m = messages_of(R"({"contents":[
    {"role":"user","parts":[{"text":"Read a, b and c."}]},
    {"role":"model","parts":[{"functionCall":{"name":"read","args":{"f":"a"}}},
                             {"functionCall":{"name":"read","args":{"f":"b"}}},
                             {"functionCall":{"name":"stat","args":{"f":"c"},"id":"given-1"}}]},
    {"role":"user","parts":[{"functionResponse":{"name":"stat","id":"given-1","response":{"size":3}}},
                            {"functionResponse":{"name":"read","response":{"output":"A"}}},
                            {"functionResponse":{"name":"read","id":"made-up","response":{"error":"no such file"}}},
                            {"text":"Go on."}]}
  ]})");
  Json want = Json::parse(R"([
    {"role":"user","content":"Read a, b and c."},
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"call_1_0","type":"function","function":{"name":"read","arguments":"{\"f\":\"a\"}"}},
      {"id":"call_1_1","type":"function","function":{"name":"read","arguments":"{\"f\":\"b\"}"}},
      {"id":"given-1","type":"function","function":{"name":"stat","arguments":"{\"f\":\"c\"}"}}]},
    {"role":"tool","tool_call_id":"given-1","content":"{\"size\":3}"},
    {"role":"tool","tool_call_id":"call_1_0","content":"A"},
    {"role":"tool","tool_call_id":"call_1_1","content":"Error: no such file"},
    {"role":"user","content":"Go on."}
  ])");
  EXPECT_EQ(m, want) << m.dump(2);

  // The same conversation a turn later: the same ids (prompt caches stay warm).
  Json longer = messages_of(R"({"contents":[
    {"role":"user","parts":[{"text":"Read a, b and c."}]},
    {"role":"model","parts":[{"functionCall":{"name":"read","args":{"f":"a"}}},
                             {"functionCall":{"name":"read","args":{"f":"b"}}},
                             {"functionCall":{"name":"stat","args":{"f":"c"},"id":"given-1"}}]},
    {"role":"user","parts":[{"functionResponse":{"name":"stat","id":"given-1","response":{"size":3}}},
                            {"functionResponse":{"name":"read","response":{"output":"A"}}},
                            {"functionResponse":{"name":"read","id":"made-up","response":{"error":"no such file"}}},
                            {"text":"Go on."}]},
    {"role":"model","parts":[{"text":"Done."}]},
    {"role":"user","parts":[{"text":"Thanks."}]}
  ]})");
  for (size_t i = 0; i < m.size(); ++i) EXPECT_EQ(longer[i], m[i]) << i;
}

// Gemini CLI prefixes ids with the function name, which passes OpenAI's 40 characters: shortened
// alike on both sides.
TEST(GeminiRequest, LongIdsAreShortenedAlikeOnBothSides) {
  Json m = messages_of(R"({"contents":[
    {"role":"model","parts":[{"functionCall":{"name":"run_shell_command","args":{},"id":"run_shell_command__toolu_01A09q90qw90lq917835lq9"}}]},
    {"role":"user","parts":[{"functionResponse":{"name":"run_shell_command","id":"run_shell_command__toolu_01A09q90qw90lq917835lq9","response":{"output":"ok"}}}]}
  ]})");
  const std::string id = m[0]["tool_calls"][0]["id"].get<std::string>();
  EXPECT_EQ(id.size(), 40u) << id;
  EXPECT_TRUE(id.starts_with("run_shell_command__toolu_01A09")) << id;
  EXPECT_EQ(m[1]["tool_call_id"], id);
}

TEST(GeminiRequest, FunctionResponseWithoutItsCallIsSentAsText) {
  Changes changes;
  Json m = gemini_to_chat_request(Json::parse(R"({"contents":[
    {"role":"user","parts":[{"functionResponse":{"name":"read","response":{"output":"A"}}},{"text":"Summarize."}]}]})"),
                                  kModel, false, changes)
               .chat["messages"];
  EXPECT_EQ(m, Json::parse(R"([{"role":"user","content":[{"type":"text","text":"Result of read: A"},
                                                         {"type":"text","text":"Summarize."}]}])"));
  EXPECT_NE(changes.summary().find("functionResponse without its functionCall"), std::string::npos)
      << changes.summary();
}

TEST(GeminiRequest, MultimodalFunctionResponsePartsFollowInAUserMessage) {
  Json m = messages_of(R"({"contents":[
    {"role":"model","parts":[{"functionCall":{"name":"read_file","args":{"absolute_path":"/a.png"}}}]},
    {"role":"user","parts":[{"functionResponse":{"name":"read_file","response":{"output":"Binary content provided."},
      "parts":[{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}]}}]}
  ]})");
  ASSERT_EQ(m.size(), 3u) << m.dump(2);
  EXPECT_EQ(m[1], Json::parse(R"({"role":"tool","tool_call_id":"call_0_0","content":"Binary content provided."})"));
  EXPECT_EQ(
      m[2],
      Json::parse(
          R"({"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]})"));
}

TEST(GeminiRequest, HttpImageUrlsAreKept) {
  EXPECT_EQ(
      messages_of(
          R"({"contents":[{"parts":[{"fileData":{"mimeType":"image/jpeg","fileUri":"https://example.com/cat.jpg"}}]}]})"),
      Json::parse(
          R"([{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}])"));
}

// ---- signed thinking --------------------------------------------------------------------------

TEST(GeminiThoughtSignature, EncodesByteExactAndRecognizesOnlyItsOwn) {
  const Json blocks = claude_blocks();
  const std::string sig = encode_thought_signature(blocks);
  EXPECT_FALSE(aicore::mapping::base64_decode_strict(sig) == std::nullopt) << "not base64: " << sig;
  EXPECT_EQ(aicore::mapping::dump(decode_thought_signature(sig)), aicore::mapping::dump(blocks));
  EXPECT_EQ(encode_thought_signature(decode_thought_signature(sig)), sig);
  // The Responses API's encrypted_content form reads too.
  EXPECT_EQ(decode_thought_signature(aicore::mapping::encode_reasoning(blocks)), blocks);
  // Anything else is another service's.
  for (const std::string& foreign :
       {std::string("skip_thought_signature_validator"), std::string("CiQBjz1rX0nU2vQ7yZk3mG9uYVJ0aG91Z2h0"),
        std::string(""), std::string("***"), aicore::mapping::base64_encode("aicore.thinking.v1:{\"type\":\"x\"}"),
        aicore::mapping::base64_encode("aicore.thinking.v1:[{\"type\":"),
        aicore::mapping::base64_encode("aicore.thinking.v1:" + std::string(200, '['))})
    EXPECT_EQ(decode_thought_signature(foreign), Json::array()) << foreign;
}

// Claude with thinking and tools needs its signed thinking back on the next turn: the answer
// carries it in the thoughtSignature of the part after the thoughts, the client returns the part,
// and the next request has the same blocks, byte-exact.
TEST(GeminiThoughtSignature, RoundTripsThroughTheNextRequest) {
  Json chat = fixture_json("gemini_api/chat_completion.json");
  chat["choices"][0]["message"]["thinking_blocks"] = claude_blocks();
  Json answer = chat_to_gemini_response(chat, kModel, true);
  const Json& parts = answer["candidates"][0]["content"]["parts"];
  ASSERT_EQ(parts.size(), 4u) << parts.dump(2);
  EXPECT_EQ(parts[0]["thought"], true);
  EXPECT_FALSE(parts[0].contains("thoughtSignature"));  // Gemini CLI keeps no thought parts
  ASSERT_TRUE(parts[1].contains("thoughtSignature"));
  EXPECT_FALSE(parts[2].contains("thoughtSignature"));

  Json next = Json::parse(R"({"contents":[{"role":"user","parts":[{"text":"Fix it."}]}]})");
  Json model_turn = answer["candidates"][0]["content"];
  Json kept = Json::array();  // as Gemini CLI keeps the turn: without thought parts
  for (const Json& p : model_turn["parts"])
    if (!p.contains("thought")) kept.push_back(p);
  model_turn["parts"] = kept;
  next["contents"].push_back(model_turn);
  next["contents"].push_back(Json::parse(R"({"role":"user","parts":[
    {"functionResponse":{"id":"toolu_01A09q90qw90lq917835lq9","name":"replace","response":{"output":"ok"}}},
    {"functionResponse":{"id":"toolu_01B7x","name":"run_shell_command","response":{"output":"PASS"}}}]})"));
  Json m = convert(next).chat["messages"];
  ASSERT_EQ(m.size(), 4u) << m.dump(2);
  EXPECT_EQ(aicore::mapping::dump(m[1]["thinking_blocks"]), aicore::mapping::dump(claude_blocks()));
  EXPECT_EQ(m[1]["content"], "I'll fix the Makefile and rerun the tests.");
  EXPECT_EQ(m[1]["tool_calls"][0]["id"], "toolu_01A09q90qw90lq917835lq9");  // the upstream's own ids
  EXPECT_EQ(m[2]["tool_call_id"], "toolu_01A09q90qw90lq917835lq9");
  EXPECT_EQ(m[3]["tool_call_id"], "toolu_01B7x");

  // Only function calls after the thoughts: the first call carries the signature.
  chat["choices"][0]["message"]["content"] = nullptr;
  Json calls_only = chat_to_gemini_response(chat, kModel, false);
  const Json& cp = calls_only["candidates"][0]["content"]["parts"];
  ASSERT_EQ(cp.size(), 2u);
  EXPECT_TRUE(cp[0].contains("functionCall"));
  EXPECT_EQ(decode_thought_signature(cp[0]["thoughtSignature"].get<std::string>()), claude_blocks());
  // Nothing after the thoughts: an empty text part carries it.
  chat["choices"][0]["message"].erase("tool_calls");
  Json bare = chat_to_gemini_response(chat, kModel, false);
  Json want = Json::array({Json::object()});
  want[0]["text"] = "";
  want[0]["thoughtSignature"] = encode_thought_signature(claude_blocks());
  EXPECT_EQ(bare["candidates"][0]["content"]["parts"], want);
}

TEST(GeminiThoughtSignature, ForeignSignaturesAreDroppedOnce) {
  Changes changes;
  Json m = gemini_to_chat_request(Json::parse(R"({"contents":[{"role":"user","parts":[{"text":"Hi"}]},
    {"role":"model","parts":[{"text":"A","thoughtSignature":"CiQBjz1r"},{"text":"","thoughtSignature":"CiQBjz1s"},
                             {"thoughtSignature":"CiQBjz1t"}]}]})"),
                                  kModel, false, changes)
               .chat["messages"];
  EXPECT_EQ(m[1], Json::parse(R"({"role":"assistant","content":"A"})"));
  EXPECT_EQ(changes.summary(), "dropped contents[1].parts[0].thoughtSignature (signed by another service)");
}

// ---- client mistakes and hostile bodies ---------------------------------------------------------

struct Refused {
  const char* body;
  const char* path;  // the message starts with "<path>: "
};
void PrintTo(const Refused& r, std::ostream* os) { *os << r.body; }

class GeminiRequestErrors : public ::testing::TestWithParam<Refused> {};

TEST_P(GeminiRequestErrors, AreInvalidRequestsNamingTheField) {
  const Json body = Json::parse(GetParam().body);
  try {
    convert(body);
    ADD_FAILURE() << "not refused";
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST) << e.message;
    EXPECT_EQ(e.http_status, 400) << e.message;
    EXPECT_TRUE(e.message.starts_with(std::string(GetParam().path) + ": ")) << e.message;
    EXPECT_GT(e.message.size(), std::string(GetParam().path).size() + 2) << e.message;
  }
}

#define HI R"("contents":[{"parts":[{"text":"Hi"}]}])"
INSTANTIATE_TEST_SUITE_P(
    Cases, GeminiRequestErrors,
    ::testing::Values(
        Refused{R"([])", "body"}, Refused{R"({})", "contents"}, Refused{R"({"contents":[]})", "contents"},
        Refused{R"({"contents":{}})", "contents"}, Refused{R"({"contents":[1]})", "contents[0]"},
        Refused{R"({"contents":[{"role":"system","parts":[{"text":"x"}]}]})", "contents[0].role"},
        Refused{R"({"contents":[{"role":7,"parts":[]}]})", "contents[0].role"},
        Refused{R"({"contents":[{"parts":{"text":"x"}}]})", "contents[0].parts"},
        Refused{R"({"contents":[{"parts":["x"]}]})", "contents[0].parts[0]"},
        Refused{R"({"contents":[{"parts":[{"text":5}]}]})", "contents[0].parts[0].text"},
        Refused{R"({"contents":[{"parts":[{"bogus":1}]}]})", "contents[0].parts[0]"},
        Refused{R"({"contents":[{"parts":[{"text":"a","inlineData":{"mimeType":"image/png","data":""}}]}]})",
                "contents[0].parts[0]"},
        Refused{R"({"contents":[{"parts":[{"inlineData":{"data":"AAAA"}}]}]})",
                "contents[0].parts[0].inlineData.mimeType"},
        Refused{R"({"contents":[{"parts":[{"inline_data":{"mime_type":"audio/wav","data":"AAAA"}}]}]})",
                "contents[0].parts[0].inline_data.mime_type"},
        Refused{R"({"contents":[{"parts":[{"inlineData":{"mimeType":"text/plain","data":"***"}}]}]})",
                "contents[0].parts[0].inlineData.data"},
        Refused{R"({"contents":[{"parts":[{"fileData":{"mimeType":"application/pdf","fileUri":"gs://b/x.pdf"}}]}]})",
                "contents[0].parts[0].fileData.fileUri"},
        Refused{
            R"({"contents":[{"parts":[{"fileData":{"fileUri":"https://generativelanguage.googleapis.com/v1beta/files/abc","mimeType":"video/mp4"}}]}]})",
            "contents[0].parts[0].fileData.fileUri"},
        Refused{R"({"contents":[{"role":"model","parts":[{"executableCode":{"language":"PYTHON","code":"1"}}]}]})",
                "contents[0].parts[0].executableCode"},
        Refused{R"({"contents":[{"role":"model","parts":[{"functionCall":{"args":{}}}]}]})",
                "contents[0].parts[0].functionCall.name"},
        Refused{R"({"contents":[{"role":"model","parts":[{"functionCall":{"name":"f","args":"{}"}}]}]})",
                "contents[0].parts[0].functionCall.args"},
        Refused{R"({"contents":[{"role":"model","parts":[{"text":"a","thought":"yes"}]}]})",
                "contents[0].parts[0].thought"},
        Refused{R"({"contents":[{"role":"model","parts":[{"text":"a","thoughtSignature":5}]}]})",
                "contents[0].parts[0].thoughtSignature"},
        Refused{R"({"contents":[{"role":"user","parts":[{"functionCall":{"name":"f"}}]}]})",
                "contents[0].parts[0].functionCall"},
        Refused{R"({"contents":[{"role":"model","parts":[{"functionResponse":{"name":"f","response":{}}}]}]})",
                "contents[0].parts[0].functionResponse"},
        Refused{R"({"contents":[{"parts":[{"functionResponse":{"name":"f","response":"ok"}}]}]})",
                "contents[0].parts[0].functionResponse.response"},
        Refused{R"({"contents":[{"parts":[{"function_response":{"response":{}}}]}]})",
                "contents[0].parts[0].function_response.name"},
        Refused{R"({)" HI R"(,"cachedContent":"cachedContents/abc"})", "cachedContent"},
        Refused{R"({)" HI R"(,"cached_content":"cachedContents/abc"})", "cached_content"},
        Refused{R"({)" HI R"(,"systemInstruction":{"parts":[{"inlineData":{}}]}})", "systemInstruction.parts[0]"},
        Refused{R"({)" HI R"(,"systemInstruction":7})", "systemInstruction"},
        Refused{R"({)" HI R"(,"tools":{}})", "tools"},
        Refused{R"({)" HI R"(,"tools":[{"googleSearch":{}}]})", "tools[0].googleSearch"},
        Refused{R"({)" HI R"(,"tools":[{"functionDeclarations":[{"name":"f"}]},{"codeExecution":{}}]})",
                "tools[1].codeExecution"},
        Refused{R"({)" HI R"(,"tools":[{"functionDeclarations":[{"description":"x"}]}]})",
                "tools[0].functionDeclarations[0].name"},
        Refused{
            R"({)" HI
            R"(,"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"OBJECT"},"parametersJsonSchema":{}}]}]})",
            "tools[0].functionDeclarations[0].parametersJsonSchema"},
        Refused{R"({)" HI R"(,"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":1}}]}]})",
                "tools[0].functionDeclarations[0].parameters.type"},
        Refused{
            R"({)" HI
            R"(,"tools":[{"functionDeclarations":[{"name":"f","parameters":{"properties":{"a":{"minLength":"-1"}}}}]}]})",
            "tools[0].functionDeclarations[0].parameters.properties.a.minLength"},
        Refused{
            R"({)" HI
            R"(,"tools":[{"functionDeclarations":[{"name":"f"}]}],"toolConfig":{"functionCallingConfig":{"mode":"SOMETIMES"}}})",
            "toolConfig.functionCallingConfig.mode"},
        Refused{
            R"({)" HI
            R"(,"tools":[{"functionDeclarations":[{"name":"f"}]}],"toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["g"]}}})",
            "toolConfig.functionCallingConfig.allowedFunctionNames"},
        Refused{R"({)" HI R"(,"generationConfig":[]})", "generationConfig"},
        Refused{R"({)" HI R"(,"generationConfig":{"candidateCount":2}})", "generationConfig.candidateCount"},
        Refused{R"({)" HI R"(,"generation_config":{"candidate_count":3}})", "generation_config.candidate_count"},
        Refused{R"({)" HI R"(,"generationConfig":{"maxOutputTokens":0}})", "generationConfig.maxOutputTokens"},
        Refused{R"({)" HI R"(,"generationConfig":{"temperature":"hot"}})", "generationConfig.temperature"},
        Refused{R"({)" HI R"(,"generationConfig":{"topK":0}})", "generationConfig.topK"},
        Refused{R"({)" HI R"(,"generationConfig":{"stopSequences":"x"}})", "generationConfig.stopSequences"},
        Refused{R"({)" HI R"(,"generationConfig":{"responseModalities":["IMAGE"]}})",
                "generationConfig.responseModalities[0]"},
        Refused{R"({)" HI R"(,"generationConfig":{"responseMimeType":"text/x.enum"}})",
                "generationConfig.responseMimeType"},
        Refused{R"({)" HI
                R"(,"generationConfig":{"responseMimeType":"text/plain","responseSchema":{"type":"STRING"}}})",
                "generationConfig.responseMimeType"},
        Refused{R"({)" HI R"(,"generationConfig":{"responseSchema":{},"responseJsonSchema":{}}})",
                "generationConfig.responseJsonSchema"},
        Refused{R"({)" HI R"(,"generationConfig":{"thinkingConfig":{"thinkingBudget":-5}}})",
                "generationConfig.thinkingConfig.thinkingBudget"},
        Refused{R"({)" HI R"(,"generationConfig":{"thinkingConfig":{"thinkingBudget":1.5}}})",
                "generationConfig.thinkingConfig.thinkingBudget"},
        Refused{R"({)" HI R"(,"generationConfig":{"thinkingConfig":{"thinkingLevel":"ULTRA"}}})",
                "generationConfig.thinkingConfig.thinkingLevel"},
        Refused{R"({)" HI R"(,"generationConfig":{"thinking_config":{"include_thoughts":1}}})",
                "generationConfig.thinking_config.include_thoughts"}));
#undef HI

// Every value of a real body replaced, one at a time, by a value of each other JSON type: the
// conversion either works or refuses with a 400, never anything else (no crash, no 500).
TEST(GeminiRequestHostile, WrongTypesAtEveryLevelAreRefusedCleanly) {
  const Json base = fixture_json("gemini_api/gemini_cli.request.json");
  const Json replacements[] = {Json(),    Json(7),    Json(-1),      Json(0.5),
                               Json("x"), Json(true), Json::array(), Json::object()};
  size_t tried = 0, refused = 0;
  const Json flat = base.flatten();
  for (auto entry = flat.begin(); entry != flat.end(); ++entry) {
    const Json::json_pointer ptr(entry.key());
    for (Json::json_pointer p = ptr; !p.empty(); p = p.parent_pointer()) {
      for (const Json& r : replacements) {
        Json body = base;
        body[p] = r;
        ++tried;
        try {
          Changes changes;
          Json chat = gemini_to_chat_request(body, kModel, true, changes).chat;
          (void)aicore::mapping::dump(chat);
        } catch (const aicore::PluginError& e) {
          ++refused;
          EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST) << p.to_string() << " = " << r.dump() << ": " << e.message;
        } catch (const std::exception& e) { ADD_FAILURE() << p.to_string() << " = " << r.dump() << ": " << e.what(); }
      }
    }
  }
  EXPECT_GT(tried, 500u);
  EXPECT_GT(refused, 100u);
}

TEST(GeminiRequestHostile, DeepSchemasAreRefusedNotRecursedWithoutEnd) {
  Json schema = Json::parse(R"({"type":"STRING"})");
  for (int i = 0; i < 300; ++i) schema = Json{{"type", "ARRAY"}, {"items", std::move(schema)}};
  Json body =
      Json::parse(R"({"contents":[{"parts":[{"text":"Hi"}]}],"tools":[{"functionDeclarations":[{"name":"f"}]}]})");
  body["tools"][0]["functionDeclarations"][0]["parameters"] = std::move(schema);
  const std::string msg = error_of([&] { convert(body); });
  EXPECT_TRUE(msg.starts_with("tools[0].functionDeclarations[0].parameters.items.items")) << msg;
  EXPECT_NE(msg.find("nested deeper than"), std::string::npos) << msg;
  // Through the provider the body's own nesting guard answers first.
  EXPECT_NE(error_of([] { aicore::mapping::parse_client_json(std::string(100000, '[')); }), "");
}

// ---- whole responses ------------------------------------------------------------------------

TEST(GeminiResponse, ChatCompletionMatchesGolden) {
  Json r = chat_to_gemini_response(fixture_json("gemini_api/chat_completion.json"), "claude-sonnet", true);
  expect_golden_json(r, "gemini_api/chat_completion.gemini.json");

  const Json& c = r["candidates"][0];
  EXPECT_EQ(c["finishReason"], "STOP");  // tool_calls
  EXPECT_EQ(c["index"], 0);
  EXPECT_EQ(c["content"]["role"], "model");
  const Json& parts = c["content"]["parts"];
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], Json::parse(R"({"text":"The test rule links main.o only; parse.o is missing.","thought":true})"));
  EXPECT_EQ(parts[1]["text"], "I'll fix the Makefile and rerun the tests.");
  EXPECT_EQ(decode_thought_signature(parts[1]["thoughtSignature"].get<std::string>()),
            fixture_json("gemini_api/chat_completion.json")["choices"][0]["message"]["thinking_blocks"]);
  EXPECT_EQ(parts[2]["functionCall"],
            Json::parse(R"({"name":"replace","args":{"file_path":"/repo/src/Makefile","old_string":"main.o\n",
              "new_string":"main.o parse.o\n"},"id":"toolu_01A09q90qw90lq917835lq9"})"));
  EXPECT_EQ(parts[3]["functionCall"]["args"], Json::parse(R"({"command":"make test"})"));
  EXPECT_EQ(r["usageMetadata"], Json::parse(R"({"promptTokenCount":5230,"candidatesTokenCount":292,
    "totalTokenCount":5642,"cachedContentTokenCount":4096,"thoughtsTokenCount":120})"));
  EXPECT_EQ(r["modelVersion"], "claude-sonnet");
  EXPECT_EQ(r["responseId"], "msg_01Gx7Q");
}

TEST(GeminiResponse, ThoughtsOnlyWhenAskedFor) {
  Json r = chat_to_gemini_response(fixture_json("gemini_api/chat_completion.json"), kModel, false);
  for (const Json& p : r["candidates"][0]["content"]["parts"]) EXPECT_FALSE(p.contains("thought")) << p;
  EXPECT_TRUE(r["candidates"][0]["content"]["parts"][0].contains("thoughtSignature"));  // kept anyway
}

TEST(GeminiResponse, FinishReasonsAndOddAnswers) {
  auto answer = [](const char* message, const char* finish) {
    Json chat = Json::parse(R"({"id":"chatcmpl-1","model":"m","choices":[{"index":0}]})");
    chat["choices"][0]["message"] = Json::parse(message);
    chat["choices"][0]["finish_reason"] = finish ? Json(finish) : Json();
    return chat_to_gemini_response(chat, "", false);
  };
  EXPECT_EQ(answer(R"({"content":"a"})", "stop")["candidates"][0]["finishReason"], "STOP");
  EXPECT_EQ(answer(R"({"content":"a"})", "length")["candidates"][0]["finishReason"], "MAX_TOKENS");
  EXPECT_EQ(answer(R"({"content":""})", "content_filter")["candidates"][0]["finishReason"], "SAFETY");
  EXPECT_EQ(answer(R"({"content":"a"})", nullptr)["candidates"][0]["finishReason"], "STOP");
  EXPECT_EQ(answer(R"({"content":"a"})", nullptr)["modelVersion"], "m");  // no client model given
  // A refusal is the answer's text; no content at all: no content object.
  EXPECT_EQ(answer(R"({"content":null,"refusal":"I can't."})", "stop")["candidates"][0]["content"]["parts"],
            Json::parse(R"([{"text":"I can't."}])"));
  EXPECT_FALSE(answer(R"({"content":null})", "length")["candidates"][0].contains("content"));
  // Arguments that are no JSON object: the call cannot be given; Gemini's own finish reason says so.
  Json bad = answer(
      R"({"content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]})",
      "tool_calls");
  EXPECT_EQ(bad["candidates"][0]["finishReason"], "MALFORMED_FUNCTION_CALL");
  EXPECT_FALSE(bad["candidates"][0].contains("content"));
  EXPECT_EQ(
      answer(
          R"({"content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1]"}}]})",
          "length")["candidates"][0]["finishReason"],
      "MAX_TOKENS");
  // Empty arguments are no arguments.
  EXPECT_EQ(answer(R"({"tool_calls":[{"id":"","type":"function","function":{"name":"f","arguments":""}}]})",
                   "tool_calls")["candidates"][0]["content"]["parts"],
            Json::parse(R"([{"functionCall":{"name":"f","args":{}}}])"));
  EXPECT_NE(error_of([] { chat_to_gemini_response(Json::array(), "", false); }), "");
  EXPECT_NE(error_of([] { chat_to_gemini_response(Json::parse(R"({"choices":[{"index":0}]})"), "", false); }), "");
}

TEST(GeminiResponse, UsageMapping) {
  EXPECT_EQ(gemini_usage(Json::parse(R"({"prompt_tokens":10,"completion_tokens":5})")),
            Json::parse(R"({"promptTokenCount":10,"candidatesTokenCount":5,"totalTokenCount":15})"));
  EXPECT_TRUE(gemini_usage(Json()).is_null());
  Json chat = fixture_json("gemini_api/chat_completion.json");
  chat.erase("usage");
  EXPECT_FALSE(chat_to_gemini_response(chat, kModel, false).contains("usageMetadata"));
}

TEST(GeminiResponse, ErrorObjects) {
  EXPECT_EQ(aicore::mapping::gemini_error(429, "slow down"),
            Json::parse(R"({"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED"}})"));
  EXPECT_EQ(aicore::mapping::gemini_error(400, "x")["error"]["status"], "INVALID_ARGUMENT");
  EXPECT_EQ(aicore::mapping::gemini_error(503, "x")["error"]["status"], "UNAVAILABLE");
  EXPECT_EQ(aicore::mapping::gemini_error(502, "x")["error"]["status"], "INTERNAL");
  EXPECT_EQ(aicore::mapping::gemini_error(200, "x")["error"]["code"], 500);  // always an error code
}

// ---- streams --------------------------------------------------------------------------------

// `data: <json>\n\n`, one line; fails the test on any other framing.
Json parse_chunk(const std::string& e) {
  EXPECT_TRUE(e.starts_with("data: ")) << e;
  EXPECT_TRUE(e.ends_with("\n\n")) << e;
  EXPECT_EQ(e.find('\n'), e.size() - 2) << "more than one line: " << e;
  Json j = Json::parse(e.substr(6), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << e;
  return j;
}

struct StreamRec {
  explicit StreamRec(bool thoughts = true) : conv("claude-sonnet", thoughts) {}
  ChatToGeminiStream conv;
  std::vector<std::string> raw;
  Emit emit{[this](std::string_view e) { raw.emplace_back(e); }};

  void feed(const Json& chunks) {
    for (const Json& c : chunks) conv.on_chunk(c, emit);
  }
  std::string joined() const {
    std::string s;
    for (const auto& e : raw) s += e;
    return s;
  }
  std::vector<Json> chunks() const {
    std::vector<Json> v;
    for (const auto& e : raw) v.push_back(parse_chunk(e));
    return v;
  }
};

Json chunk(const char* delta, const char* finish = nullptr) {
  Json c = Json::parse(
      R"({"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":null}]})");
  c["choices"][0]["delta"] = Json::parse(delta);
  if (finish) c["choices"][0]["finish_reason"] = finish;
  return c;
}

// The parts of all chunks as one turn, merged as Gemini clients merge them (adjacent text of the
// same kind joined).
Json merged_parts(const std::vector<Json>& chunks) {
  Json parts = Json::array();
  for (const Json& c : chunks) {
    const Json& cand = c["candidates"][0];
    if (!cand.contains("content")) continue;
    for (const Json& p : cand["content"]["parts"]) {
      if (!parts.empty() && p.contains("text") && parts.back().contains("text") &&
          p.value("thought", false) == parts.back().value("thought", false) && !p.contains("thoughtSignature")) {
        parts.back()["text"] = parts.back()["text"].get<std::string>() + p["text"].get<std::string>();
        continue;
      }
      parts.push_back(p);
    }
  }
  return parts;
}

class GeminiStream : public ::testing::Test {
 protected:
  Json chunks = fixture_json("gemini_api/stream.chunks.json");
};

TEST_F(GeminiStream, MatchesGolden) {
  StreamRec s;
  s.feed(chunks);
  s.conv.finish(s.emit);
  EXPECT_TRUE(s.conv.ended());
  expect_golden_text(s.joined(), "gemini_api/stream.expected.sse");
}

// Every chunk a whole GenerateContentResponse; the turn they make is the whole answer's.
TEST_F(GeminiStream, ChunksAddUpToTheWholeResponse) {
  StreamRec s;
  s.feed(chunks);
  s.conv.finish(s.emit);
  const std::vector<Json> ev = s.chunks();
  ASSERT_GE(ev.size(), 2u);
  for (size_t i = 0; i < ev.size(); ++i) {
    EXPECT_EQ(ev[i]["candidates"].size(), 1u) << i;
    EXPECT_EQ(ev[i]["candidates"][0]["index"], 0) << i;
    EXPECT_EQ(ev[i]["modelVersion"], "claude-sonnet") << i;
    EXPECT_EQ(ev[i]["responseId"], "msg_01Gx7Q") << i;
    EXPECT_EQ(ev[i]["candidates"][0].contains("finishReason"), i + 1 == ev.size()) << i;
    EXPECT_EQ(ev[i].contains("usageMetadata"), i + 1 == ev.size()) << i;
    // A function call goes out whole: its own chunk, arguments complete.
    for (const Json& p : ev[i]["candidates"][0].value("content", Json::object()).value("parts", Json::array()))
      if (p.contains("functionCall")) { EXPECT_EQ(ev[i]["candidates"][0]["content"]["parts"].size(), 1u); }
  }
  Json whole = chat_to_gemini_response(fixture_json("gemini_api/chat_completion.json"), "claude-sonnet", true);
  EXPECT_EQ(merged_parts(ev), whole["candidates"][0]["content"]["parts"]) << merged_parts(ev).dump(2);
  EXPECT_EQ(ev.back()["candidates"][0]["finishReason"], whole["candidates"][0]["finishReason"]);
  EXPECT_EQ(ev.back()["usageMetadata"], whole["usageMetadata"]);
}

TEST_F(GeminiStream, ThoughtsOnlyWhenAskedFor) {
  StreamRec s(false);
  s.feed(chunks);
  s.conv.finish(s.emit);
  for (const Json& c : s.chunks())
    for (const Json& p : c["candidates"][0].value("content", Json::object()).value("parts", Json::array()))
      EXPECT_FALSE(p.contains("thought")) << p;
  // The signature still rides on the first text fragment.
  EXPECT_TRUE(s.chunks()[0]["candidates"][0]["content"]["parts"][0].contains("thoughtSignature"));
}

TEST_F(GeminiStream, ErrorEndsWithTheGeminiErrorObject) {
  StreamRec s;
  s.conv.on_chunk(chunk(R"({"role":"assistant","content":"Half an ans"})"), s.emit);
  s.conv.on_chunk(chunk(R"({"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{}"}}]})"), s.emit);
  s.conv.on_error(Json::parse(R"({"message":"Overloaded","type":"overloaded_error"})"), 0, s.emit);
  EXPECT_TRUE(s.conv.ended());
  const std::vector<Json> ev = s.chunks();
  ASSERT_EQ(ev.size(), 2u);  // the call was not complete: not given
  EXPECT_EQ(ev[1], Json::parse(R"({"error":{"code":503,"message":"Overloaded","status":"UNAVAILABLE"}})"));
  // Ended: nothing more goes out, whatever comes.
  s.conv.on_chunk(chunk(R"({"content":"more"})"), s.emit);
  s.conv.on_error(Json::parse(R"({"message":"again"})"), 0, s.emit);
  s.conv.finish(s.emit);
  EXPECT_EQ(s.raw.size(), 2u);

  StreamRec t;
  t.conv.on_error(Json::parse(R"({"message":"Rate limit","code":"429"})"), 0, t.emit);
  EXPECT_EQ(t.chunks()[0]["error"]["status"], "RESOURCE_EXHAUSTED");
  StreamRec u;  // the status the chat converter classified wins
  u.conv.on_error(Json::parse(R"({"message":"bad"})"), 400, u.emit);
  EXPECT_EQ(u.chunks()[0], Json::parse(R"({"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}})"));
}

TEST_F(GeminiStream, NothingAfterFinish) {
  StreamRec s;
  s.feed(chunks);
  s.conv.finish(s.emit);
  const size_t n = s.raw.size();
  s.conv.finish(s.emit);
  s.feed(chunks);
  s.conv.on_error(Json::parse(R"({"message":"late"})"), 500, s.emit);
  EXPECT_EQ(s.raw.size(), n);
}

TEST_F(GeminiStream, SignedThinkingWithNothingAfterItGoesInTheLastChunk) {
  StreamRec s;
  s.conv.on_chunk(chunk(R"({"role":"assistant","reasoning_content":"Hmm."})"), s.emit);
  s.conv.on_chunk(chunk(R"({"thinking_blocks":[{"type":"thinking","thinking":"Hmm.","signature":"sig"}]})"), s.emit);
  s.conv.on_chunk(chunk(R"({})", "length"), s.emit);
  s.conv.finish(s.emit);
  const std::vector<Json> ev = s.chunks();
  ASSERT_EQ(ev.size(), 2u);
  const Json& last = ev[1]["candidates"][0];
  EXPECT_EQ(last["finishReason"], "MAX_TOKENS");
  ASSERT_EQ(last["content"]["parts"].size(), 1u);
  EXPECT_EQ(last["content"]["parts"][0]["text"], "");
  EXPECT_EQ(decode_thought_signature(last["content"]["parts"][0]["thoughtSignature"].get<std::string>()),
            Json::parse(R"([{"type":"thinking","thinking":"Hmm.","signature":"sig"}])"));
}

TEST_F(GeminiStream, OddUpstreamsAreHandled) {
  // Arguments that never made a JSON object: no call, MALFORMED_FUNCTION_CALL.
  StreamRec s;
  s.conv.on_chunk(chunk(R"({"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{\"a\":"}}]})"),
                  s.emit);
  s.conv.on_chunk(chunk(R"({})", "tool_calls"), s.emit);
  s.conv.finish(s.emit);
  ASSERT_EQ(s.raw.size(), 1u);
  EXPECT_EQ(s.chunks()[0]["candidates"][0]["finishReason"], "MALFORMED_FUNCTION_CALL");
  // A call resumed after another part: the upstream's mistake.
  StreamRec t;
  t.conv.on_chunk(chunk(R"({"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{}"}}]})"), t.emit);
  t.conv.on_chunk(chunk(R"({"content":"text"})"), t.emit);
  EXPECT_NE(
      error_of([&] { t.conv.on_chunk(chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"}"}}]})"), t.emit); }),
      "");
  // A call without an id gets one of the response's; an empty stream still ends with a chunk.
  StreamRec u;
  u.conv.on_chunk(chunk(R"({"tool_calls":[{"index":0,"function":{"name":"f"}}]})"), u.emit);
  u.conv.finish(u.emit);
  EXPECT_EQ(u.chunks()[0]["candidates"][0]["content"]["parts"][0]["functionCall"],
            Json::parse(R"({"name":"f","args":{},"id":"call_s1_0"})"));
  StreamRec v;
  v.conv.finish(v.emit);
  EXPECT_EQ(
      v.chunks()[0],
      Json::parse(
          R"({"candidates":[{"finishReason":"STOP","index":0}],"modelVersion":"claude-sonnet","responseId":""})"));
}

// ---- served through a plugin's chat hooks ---------------------------------------------------

// A chat stream converter that passes the upstream's chat SSE through unchanged (as a plugin for
// an OpenAI-compatible upstream does), classifying an error event as the plugins do, and writing
// [DONE] at finish.
class PassThroughChat final : public aicore::StreamConverter {
 public:
  void feed(std::string_view bytes, const aicore::Sink& events) override {
    buf_.append(bytes);
    for (size_t p; (p = buf_.find("\n\n")) != std::string::npos; buf_.erase(0, p + 2)) {
      const std::string e = buf_.substr(0, p + 2);
      if (e.find("\"error\"") != std::string::npos)
        events.upstream_error(ACP_UPSTREAM_RETRY, 429, "rate_limit_error", "Too many requests");
      events.write(e);
      if (e == "data: [DONE]\n\n" || e.find("\"error\"") != std::string::npos) {
        done_ = true;
        events.end();
      }
    }
  }
  void finish(const aicore::Sink& events) override {
    if (done_) return;
    events.write("data: [DONE]\n\n");
    events.end();
  }

 private:
  std::string buf_;
  bool done_ = false;
};

class ChatPlugin final : public aicore::mapping::GeminiOverChat {
 public:
  ChatPlugin() : GeminiOverChat("test") {}
  bool detect_model(std::string_view) const override { return true; }
  using GeminiOverChat::gemini_count_tokens;
  using GeminiOverChat::gemini_generate_request;
  using GeminiOverChat::gemini_generate_response;
  using GeminiOverChat::gemini_generate_stream;

  mutable std::string chat_body, seen_context;
  mutable bool seen_stream = false;

 protected:
  aicore::UpstreamRequest openai_chat_request(const aicore::RequestIn& in) const override {
    chat_body = std::string(in.body);
    seen_stream = in.stream;
    return {"/chat/completions", chat_body, "ctx;12;with;semicolons{\"x\":1}"};
  }
  std::string openai_chat_response(const aicore::ResponseIn& in, aicore::Usage& usage) const override {
    seen_context = std::string(in.context);
    usage.input_tokens = 5230;
    return std::string(in.body);
  }
  std::unique_ptr<aicore::StreamConverter> openai_chat_stream(const aicore::ResponseIn& in) const override {
    seen_context = std::string(in.context);
    return std::make_unique<PassThroughChat>();
  }
};

aicore::RequestIn request_in(const std::string& body, bool stream) {
  return aicore::RequestIn{ACP_DIALECT_GEMINI_GENERATE_CONTENT, "claude-sonnet", kModel, body,
                           aicore::Headers(nullptr, 0),         stream};
}

TEST(GeminiProvider, WholeResponseThroughTheChatHooks) {
  ChatPlugin p;
  const std::string body =
      R"({"contents":[{"parts":[{"text":"Hi"}]}],"generationConfig":{"thinkingConfig":{"includeThoughts":true}}})";
  aicore::UpstreamRequest up = p.gemini_generate_request(request_in(body, false));
  EXPECT_EQ(Json::parse(p.chat_body),
            Json::parse(R"({"model":"claude-sonnet","messages":[{"role":"user","content":"Hi"}],
    "reasoning_effort":"medium"})"));
  EXPECT_FALSE(p.seen_stream);
  EXPECT_EQ(up.target, "/chat/completions");

  const Json chat = fixture_json("gemini_api/chat_completion.json");
  const std::string chat_text = chat.dump();
  aicore::ResponseIn rin{ACP_DIALECT_GEMINI_GENERATE_CONTENT, kModel, up.context, 200, "application/json", chat_text};
  aicore::Usage usage;
  Json r = Json::parse(p.gemini_generate_response(rin, usage));
  EXPECT_EQ(p.seen_context, "ctx;12;with;semicolons{\"x\":1}");        // the chat hook's own context, unchanged
  EXPECT_EQ(r, chat_to_gemini_response(chat, "claude-sonnet", true));  // thoughts asked for; the client's model
  EXPECT_EQ(usage.input_tokens, 5230);                                 // the chat hook's usage
  aicore::ResponseIn foreign{
      ACP_DIALECT_GEMINI_GENERATE_CONTENT, kModel, "rsp1;-;0;{}", 200, "application/json", chat_text};
  EXPECT_NE(error_of([&] { p.gemini_generate_response(foreign, usage); }), "");
}

struct Out {
  std::vector<std::string> events;
  int ends = 0;
  size_t ended_at = 0;
  std::vector<int> errors;
};

aicore::Sink out_sink(Out& out, acp_event_sink& sink) {
  sink = acp_event_sink{};
  sink.base.ctx = &out;
  sink.base.write = [](void* ctx, acp_str b) { static_cast<Out*>(ctx)->events.emplace_back(b.ptr, b.len); };
  sink.struct_size = sizeof(acp_event_sink);
  sink.end = [](void* ctx) {
    auto* o = static_cast<Out*>(ctx);
    ++o->ends;
    o->ended_at = o->events.size();
  };
  sink.upstream_error = [](void* ctx, acp_error_class, int32_t status, acp_str, acp_str) {
    static_cast<Out*>(ctx)->errors.push_back(status);
  };
  sink.usage = [](void*, const acp_usage*) {};
  return aicore::Sink::layered(&sink);
}

// The chat SSE of the stream fixture, fed through the provider in two pieces cut at every byte
// offset (and byte by byte): always the same Gemini chunks as the converter gives directly, and
// end() once, right after the last.
TEST(GeminiProvider, StreamSplitAtEveryByteOffsetGivesTheSameChunks) {
  ChatPlugin p;
  aicore::UpstreamRequest up = p.gemini_generate_request(request_in(
      R"({"contents":[{"parts":[{"text":"Hi"}]}],"generationConfig":{"thinkingConfig":{"includeThoughts":true}}})",
      true));
  EXPECT_TRUE(p.seen_stream);
  EXPECT_EQ(Json::parse(p.chat_body)["stream_options"], Json::parse(R"({"include_usage":true})"));
  aicore::ResponseIn rin{ACP_DIALECT_GEMINI_GENERATE_CONTENT, kModel, up.context, 200, "text/event-stream", ""};

  std::string sse;
  for (const Json& c : fixture_json("gemini_api/stream.chunks.json")) sse += "data: " + c.dump() + "\n\n";
  sse += "data: [DONE]\n\n";
  StreamRec direct;
  direct.feed(fixture_json("gemini_api/stream.chunks.json"));
  direct.conv.finish(direct.emit);

  auto run = [&](const std::vector<std::string_view>& pieces) {
    auto conv = p.gemini_generate_stream(rin);
    Out out;
    acp_event_sink sink;
    const aicore::Sink events = out_sink(out, sink);
    for (std::string_view piece : pieces) conv->feed(piece, events);
    conv->finish(events);
    EXPECT_EQ(out.ends, 1);
    EXPECT_EQ(out.ended_at, out.events.size());
    return out.events;
  };
  EXPECT_EQ(run(whole(sse)), direct.raw);
  EXPECT_EQ(p.seen_context, "ctx;12;with;semicolons{\"x\":1}");
  EXPECT_EQ(run(bytes(sse)), direct.raw);
  for (size_t k = 0; k <= sse.size(); ++k) ASSERT_EQ(run(split_at(sse, k)), direct.raw) << "split at " << k;
  // Without [DONE] the chat converter's finish ends it the same way.
  EXPECT_EQ(run(whole(std::string_view(sse).substr(0, sse.size() - std::string("data: [DONE]\n\n").size()))),
            direct.raw);
}

TEST(GeminiProvider, StreamedUpstreamErrorPassesThroughTypedAndAsAnErrorChunk) {
  ChatPlugin p;
  aicore::UpstreamRequest up =
      p.gemini_generate_request(request_in(R"({"contents":[{"parts":[{"text":"Hi"}]}]})", true));
  aicore::ResponseIn rin{ACP_DIALECT_GEMINI_GENERATE_CONTENT, kModel, up.context, 200, "text/event-stream", ""};
  const std::string sse =
      "data: " + chunk(R"({"role":"assistant","content":"Hel"})").dump() +
      "\n\ndata: {\"error\":{\"message\":\"Too many requests\",\"type\":\"rate_limit_error\"}}\n\ndata: " +
      chunk(R"({"content":"lo"})").dump() + "\n\n";
  for (size_t k = 0; k <= sse.size(); ++k) {
    auto conv = p.gemini_generate_stream(rin);
    Out out;
    acp_event_sink sink;
    const aicore::Sink events = out_sink(out, sink);
    for (std::string_view piece : split_at(sse, k)) conv->feed(piece, events);
    conv->finish(events);
    ASSERT_EQ(out.events.size(), 2u) << k;
    EXPECT_EQ(parse_chunk(out.events[0])["candidates"][0]["content"]["parts"][0]["text"], "Hel");
    EXPECT_EQ(parse_chunk(out.events[1]),
              Json::parse(R"({"error":{"code":429,"message":"Too many requests","status":"RESOURCE_EXHAUSTED"}})"));
    EXPECT_EQ(out.errors, std::vector<int>{429});
    EXPECT_EQ(out.ends, 1);
    EXPECT_EQ(out.ended_at, 2u);
  }
}

TEST(GeminiProvider, CountTokens) {
  ChatPlugin p;
  auto count = [&](const std::string& body) {
    aicore::RequestIn in{
        ACP_DIALECT_GEMINI_COUNT_TOKENS, "claude-sonnet", kModel, body, aicore::Headers(nullptr, 0), false};
    const Json r = Json::parse(p.gemini_count_tokens(in));
    EXPECT_EQ(r.size(), 1u) << r;
    return r["totalTokens"].get<int64_t>();
  };
  const std::string plain = fixture_json("gemini_api/gemini_cli.request.json").dump();
  const int64_t n = count(plain);
  EXPECT_GT(n, 100);
  EXPECT_EQ(count(R"({"generateContentRequest":{"model":"models/claude-sonnet",)" + plain.substr(1) + "}"), n);
  EXPECT_LT(count(R"({"contents":[{"parts":[{"text":"Hi"}]}]})"), n);
  EXPECT_GT(count(R"({"contents":[{"parts":[{"text":")" + std::string(4000, 'a') + R"("}]}]})"), 1000);
  // A response schema costs nothing here and is not refused.
  EXPECT_GT(count(R"({"contents":[{"parts":[{"text":"Hi"}]}],"generationConfig":{"responseMimeType":"application/json",
    "responseSchema":{"type":"ARRAY","items":{"type":"STRING"}}}})"),
            0);
  EXPECT_NE(error_of([&] { count(R"({"generateContentRequest":[]})"); }), "");
  EXPECT_NE(error_of([&] { count("not json"); }), "");
}

}  // namespace

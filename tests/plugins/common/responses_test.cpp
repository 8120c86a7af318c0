// The OpenAI Responses API over Chat Completions: request conversion (a Codex CLI body among the
// goldens), the reasoning round trip, client mistakes, whole responses and stream events — checked
// against goldens and against the shape the Responses API gives its objects and events.
#include "test_support.hpp"

#include <aicore/mapping/responses.hpp>
#include <aicore/mapping/responses_provider.hpp>

#include <set>

using namespace mapping_test;
using aicore::mapping::Changes;
using aicore::mapping::chat_to_responses_response;
using aicore::mapping::ChatToResponsesStream;
using aicore::mapping::decode_reasoning;
using aicore::mapping::Emit;
using aicore::mapping::encode_reasoning;
using aicore::mapping::responses_to_chat_request;
using aicore::mapping::responses_usage;
using aicore::mapping::ResponsesAsChat;

namespace {

ResponsesAsChat convert(const Json& body) {
  Changes changes;
  return responses_to_chat_request(body, changes);
}

Json messages_of(const char* body) { return convert(Json::parse(body)).chat["messages"]; }

// Signed thinking as the Claude plugin writes it into chat `thinking_blocks`.
Json claude_blocks() {
  return Json::parse(R"([
    {"type":"thinking","thinking":"Let me weigh both options.\nFirst: \"quotes\", unicode \u00e9\u4e2d, tabs\t.","signature":"EqQBCkgIBhABGAIiQKmB3k9Zs2o+Lw/x=="},
    {"type":"redacted_thinking","data":"EmwKAhgBEgy3vRZ/p0vC1cN+aQ=="}
  ])");
}

// A small streamed request and the echo a Response carries of it (ResponsesAsChat::echo: the
// request's parameters, the Response object's defaults for the rest).
constexpr const char* kSmallRequest = R"({
  "model": "gpt-5",
  "input": "What is in src?",
  "tools": [{"type": "function", "name": "shell", "parameters": {"type": "object", "properties": {"command": {"type": "array", "items": {"type": "string"}}}, "required": ["command"]}}],
  "reasoning": {"effort": "low", "summary": "auto"},
  "stream": true
})";
// Written out rather than taken from responses_to_chat_request, so the response and stream tests
// stand on their own.
Json small_echo() {
  return Json::parse(R"({
    "instructions": null,
    "max_output_tokens": null,
    "model": "gpt-5",
    "parallel_tool_calls": true,
    "reasoning": {"effort": "low", "summary": "auto"},
    "store": false,
    "temperature": 1.0,
    "text": {"format": {"type": "text"}},
    "tool_choice": "auto",
    "tools": [{"type": "function", "name": "shell", "parameters": {"type": "object", "properties": {"command": {"type": "array", "items": {"type": "string"}}}, "required": ["command"]}}],
    "top_p": 1.0,
    "truncation": "disabled",
    "user": null,
    "metadata": {}
  })");
}

// ---- request --------------------------------------------------------------------------------

TEST(ResponsesRequest, CodexRequestMatchesGolden) {
  Changes changes;
  ResponsesAsChat r = responses_to_chat_request(fixture_json("responses/codex.request.json"), changes);
  Json out{
      {"chat", r.chat}, {"encrypted", r.encrypted}, {"changes", changes.summary()}, {"warnings", changes.warnings()}};
  expect_golden_json(out, "responses/codex.chat.json");

  // What the golden must show, spelled out.
  const Json& chat = r.chat;
  EXPECT_TRUE(r.encrypted);
  EXPECT_EQ(chat["model"], "gpt-5-codex");
  EXPECT_EQ(chat["stream"], true);
  EXPECT_EQ(chat["stream_options"], Json::parse(R"({"include_usage":true})"));
  EXPECT_EQ(chat["reasoning_effort"], "high");
  EXPECT_EQ(chat["max_completion_tokens"], 8192);
  EXPECT_EQ(chat["tool_choice"], "auto");
  EXPECT_EQ(chat["parallel_tool_calls"], false);
  EXPECT_EQ(chat["response_format"]["type"], "json_schema");
  EXPECT_EQ(chat["response_format"]["json_schema"]["name"], "file_summary");
  EXPECT_EQ(chat["response_format"]["json_schema"]["strict"], true);
  ASSERT_EQ(chat["tools"].size(), 2u);
  EXPECT_EQ(chat["tools"][0]["type"], "function");
  EXPECT_EQ(chat["tools"][0]["function"]["name"], "shell");
  for (const char* key :
       {"input", "instructions", "include", "store", "text", "reasoning", "max_output_tokens", "prompt_cache_key"})
    EXPECT_FALSE(chat.contains(key)) << key;

  const Json& m = chat["messages"];
  ASSERT_EQ(m.size(), 6u);
  EXPECT_EQ(m[0]["role"], "system");
  EXPECT_EQ(m[1]["role"], "user");
  EXPECT_EQ(m[1]["content"].size(), 2u);
  EXPECT_EQ(m[2]["role"], "assistant");
  EXPECT_EQ(m[2]["reasoning_content"], "**Listing files**\n\nI'll run ls on src.");
  EXPECT_FALSE(m[2].contains("thinking_blocks"));  // OpenAI's encrypted_content: not ours
  EXPECT_EQ(m[2]["tool_calls"][0]["id"], "call_Ab12Cd34");
  EXPECT_EQ(m[3], Json::parse(R"({"role":"tool","tool_call_id":"call_Ab12Cd34","content":"main.cpp\nutil.cpp\n"})"));
  EXPECT_EQ(m[4]["role"], "assistant");
  EXPECT_EQ(m[4]["content"], "src holds main.cpp and util.cpp.");
  ASSERT_TRUE(m[4].contains("thinking_blocks"));
  EXPECT_EQ(m[4]["thinking_blocks"][0]["signature"], "EqQBCkgIBhABGAIiQKmB3k9Zs2o+Lw==");
  EXPECT_EQ(m[5]["role"], "user");

  EXPECT_TRUE(changes.warnings().empty());
}

TEST(ResponsesRequest, StringInputIsOneUserMessage) {
  ResponsesAsChat r = convert(Json::parse(R"({"model":"gpt-5","input":"Hello"})"));
  EXPECT_EQ(r.chat, Json::parse(R"({"model":"gpt-5","messages":[{"role":"user","content":"Hello"}]})"));
  EXPECT_FALSE(r.encrypted);
}

TEST(ResponsesRequest, ToolChoiceFormatsAndSamplingMapToChat) {
  Changes changes;
  ResponsesAsChat r = responses_to_chat_request(Json::parse(R"({"input":"Hi",
    "tools":[{"type":"function","name":"f","parameters":{"type":"object"}}],
    "tool_choice":{"type":"function","name":"f"},
    "text":{"format":{"type":"json_object"},"verbosity":"low"},
    "temperature":0.2,"top_p":0.9,"user":"u-1","metadata":{"k":"v"},"truncation":"auto","service_tier":null})"),
                                                changes);
  EXPECT_EQ(r.chat["tool_choice"], Json::parse(R"({"type":"function","function":{"name":"f"}})"));
  EXPECT_EQ(r.chat["response_format"], Json::parse(R"({"type":"json_object"})"));
  EXPECT_EQ(r.chat["temperature"], 0.2);
  EXPECT_EQ(r.chat["top_p"], 0.9);
  EXPECT_EQ(r.chat["user"], "u-1");
  EXPECT_FALSE(r.chat.contains("metadata"));
  EXPECT_FALSE(r.chat.contains("stream"));
  EXPECT_EQ(changes.summary(), "dropped text.verbosity, truncation (not in Chat Completions)");

  EXPECT_FALSE(
      convert(Json::parse(R"({"input":"Hi","text":{"format":{"type":"text"}}})")).chat.contains("response_format"));
  EXPECT_EQ(error_of([] {
              convert(Json::parse(R"({"input":"Hi","tools":[{"type":"function","name":"f"}],
                                                   "tool_choice":{"type":"file_search"}})"));
            }),
            "tool_choice.type: only function tool choices are supported (no built-in tools run here)");
}

// The request's parameters a Response repeats.
TEST(ResponsesRequest, EchoCarriesTheRequestParameters) {
  // The Codex request's parameters (golden written by hand from the request fixture).
  expect_golden_json(convert(fixture_json("responses/codex.request.json")).echo, "responses/codex.echo.json");
  // A small request: its own parameters, the Response defaults for the rest.
  EXPECT_EQ(convert(Json::parse(kSmallRequest)).echo, small_echo());
  // Nothing given: the defaults only.
  Json bare = small_echo();
  bare["model"] = "";
  bare["reasoning"] = Json::parse(R"({"effort":null,"summary":null})");
  bare["tools"] = Json::array();
  EXPECT_EQ(convert(Json::parse(R"({"input":"Hi"})")).echo, bare);
}

TEST(ResponsesRequest, InstructionsBecomeTheSystemMessage) {
  EXPECT_EQ(messages_of(R"({"instructions":"Be brief.","input":"Hi"})"),
            Json::parse(R"([{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}])"));
  EXPECT_EQ(messages_of(R"({"instructions":"Be brief.","input":[{"role":"developer","content":"Use C++."},
                                                                {"role":"user","content":"Hi"}]})"),
            Json::parse(R"([{"role":"system","content":"Be brief."},{"role":"developer","content":"Use C++."},
                            {"role":"user","content":"Hi"}])"));
}

TEST(ResponsesRequest, ConsecutiveFunctionCallsMergeIntoOneAssistantMessage) {
  Json m = messages_of(R"({"input":[
    {"role":"user","content":"Compare a and b."},
    {"type":"reasoning","summary":[{"type":"summary_text","text":"Read both."}]},
    {"type":"function_call","call_id":"c1","name":"read","arguments":"{\"f\":\"a\"}"},
    {"type":"function_call","call_id":"c2","name":"read","arguments":"{\"f\":\"b\"}"},
    {"type":"function_call_output","call_id":"c1","output":"A"},
    {"type":"function_call_output","call_id":"c2","output":[{"type":"input_text","text":"B"}]},
    {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking c."}]},
    {"type":"function_call","call_id":"c3","name":"read","arguments":"{\"f\":\"c\"}"},
    {"type":"function_call_output","call_id":"c3","output":"C"},
    {"type":"function_call","call_id":"c4","name":"read","arguments":"{}"}
  ]})");
  Json want = Json::parse(R"([
    {"role":"user","content":"Compare a and b."},
    {"role":"assistant","content":null,"reasoning_content":"Read both.","tool_calls":[
      {"id":"c1","type":"function","function":{"name":"read","arguments":"{\"f\":\"a\"}"}},
      {"id":"c2","type":"function","function":{"name":"read","arguments":"{\"f\":\"b\"}"}}]},
    {"role":"tool","tool_call_id":"c1","content":"A"},
    {"role":"tool","tool_call_id":"c2","content":"B"},
    {"role":"assistant","content":"Checking c.","tool_calls":[
      {"id":"c3","type":"function","function":{"name":"read","arguments":"{\"f\":\"c\"}"}}]},
    {"role":"tool","tool_call_id":"c3","content":"C"},
    {"role":"assistant","content":null,"tool_calls":[{"id":"c4","type":"function","function":{"name":"read","arguments":"{}"}}]}
  ])");
  EXPECT_EQ(m, want) << m.dump(2);
}

TEST(ResponsesRequest, ReasoningTextAndThinkingBlocksRoundTripByteExact) {
  const Json blocks = claude_blocks();
  const std::string enc = encode_reasoning(blocks);
  EXPECT_TRUE(enc.starts_with("aicore.thinking.v1:")) << enc;
  EXPECT_EQ(aicore::mapping::dump(decode_reasoning(enc)), aicore::mapping::dump(blocks));
  EXPECT_EQ(encode_reasoning(decode_reasoning(enc)), enc);

  // A Response carries them as encrypted_content (asked for), and the next turn gets them back.
  Json chat = fixture_json("responses/chat_completion.json");
  chat["choices"][0]["message"]["thinking_blocks"] = blocks;
  Json response = chat_to_responses_response(chat, small_echo(), true);
  ASSERT_EQ(response["output"][0]["type"], "reasoning");
  EXPECT_EQ(response["output"][0]["encrypted_content"], enc);
  EXPECT_FALSE(chat_to_responses_response(chat, small_echo(), false)["output"][0].contains("encrypted_content"));

  Json next = Json::parse(R"({"input":[{"role":"user","content":"Which one?"}]})");
  next["input"].push_back(response["output"][0]);  // the reasoning item exactly as returned
  next["input"].push_back(
      Json::parse(R"({"type":"function_call","call_id":"call_1","name":"shell","arguments":"{}"})"));
  next["input"].push_back(Json::parse(R"({"type":"function_call_output","call_id":"call_1","output":"ok"})"));
  Json m = convert(next).chat["messages"];
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[1]["reasoning_content"], "The user wants a file list.");
  ASSERT_TRUE(m[1].contains("thinking_blocks"));
  EXPECT_EQ(aicore::mapping::dump(m[1]["thinking_blocks"]), aicore::mapping::dump(blocks));
  EXPECT_EQ(m[1]["thinking_blocks"][0]["signature"], blocks[0]["signature"]);
  EXPECT_EQ(m[1]["thinking_blocks"][1]["data"], blocks[1]["data"]);
}

TEST(ResponsesRequest, ReasoningWithoutSummaryUsesContentText) {
  Json m = messages_of(R"({"input":[{"type":"reasoning","summary":[],
    "content":[{"type":"reasoning_text","text":"step 1"},{"type":"reasoning_text","text":"step 2"}]},
    {"type":"message","role":"assistant","content":"Done."}]})");
  EXPECT_EQ(m, Json::parse(R"([{"role":"assistant","content":"Done.","reasoning_content":"step 1\n\nstep 2"}])"));
}

TEST(ResponsesRequest, ForeignEncryptedContentIsIgnored) {
  EXPECT_EQ(decode_reasoning("gAAAAABo9x1cQ2u0V1V0Zk5vQmFzZTY0"), Json::array());
  EXPECT_EQ(decode_reasoning(""), Json::array());
  EXPECT_EQ(decode_reasoning("aicore.thinking.v1:***not base64***"), Json::array());
  EXPECT_EQ(decode_reasoning("aicore.thinking.v1:" + aicore::mapping::base64_encode("{\"type\":\"thinking\"}")),
            Json::array());  // not an array of blocks
  EXPECT_EQ(decode_reasoning("aicore.thinking.v1:" + aicore::mapping::base64_encode("[{\"type\":")), Json::array());

  Json m = messages_of(R"({"input":[
    {"type":"reasoning","summary":[{"type":"summary_text","text":"Thinking."}],"encrypted_content":"gAAAAABo9x1cQ2u0"},
    {"type":"message","role":"assistant","content":"Hi."}]})");
  EXPECT_EQ(m, Json::parse(R"([{"role":"assistant","content":"Hi.","reasoning_content":"Thinking."}])"));
}

// ---- client mistakes ------------------------------------------------------------------------

struct Refused {
  const char* body;
  const char* path;  // the message starts with "<path>: "
};
void PrintTo(const Refused& r, std::ostream* os) { *os << r.body; }

class ResponsesRequestErrors : public ::testing::TestWithParam<Refused> {};

TEST_P(ResponsesRequestErrors, AreInvalidRequestsNamingTheField) {
  const Json body = Json::parse(GetParam().body);
  try {
    convert(body);
    ADD_FAILURE() << "not refused";
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST) << e.message;
    EXPECT_TRUE(e.message.starts_with(std::string(GetParam().path) + ": ")) << e.message;
    EXPECT_GT(e.message.size(), std::string(GetParam().path).size() + 2) << e.message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ResponsesRequestErrors,
    ::testing::Values(
        Refused{R"({"input":"Hi","previous_response_id":"resp_123"})", "previous_response_id"},
        Refused{R"({"input":"Hi","conversation":"conv_123"})", "conversation"},
        Refused{R"({"input":"Hi","background":true})", "background"},
        Refused{R"({"input":[{"role":"user","content":"Hi"},{"type":"item_reference","id":"msg_1"}]})", "input[1]"},
        Refused{R"({"input":[{"type":"computer_call_output","call_id":"c","output":{"type":"computer_screenshot"}}]})",
                "input[0].type"},
        Refused{
            R"({"input":[{"role":"user","content":[{"type":"input_image","file_id":"file-abc","detail":"auto"}]}]})",
            "input[0].content[0].file_id"},
        Refused{R"({"input":"Hi","tools":[{"type":"file_search","vector_store_ids":["vs_1"]}]})", "tools[0].type"},
        Refused{
            R"({"input":"Hi","tools":[{"type":"function","name":"f"},{"type":"code_interpreter","container":{"type":"auto"}}]})",
            "tools[1].type"},
        Refused{R"({"input":[{"role":"user","content":[{"type":"input_text"}]}]})", "input[0].content[0].text"},
        Refused{R"({"input":"Hi","text":{"format":{"type":"json_schema","schema":{}}}})", "text.format.name"}));

TEST(ResponsesRequest, BackgroundFalseIsFine) {
  EXPECT_NO_THROW(convert(Json::parse(R"({"input":"Hi","background":false})")));
}

TEST(ResponsesRequest, WebSearchIsDroppedWithAWarning) {
  Changes changes;
  ResponsesAsChat r = responses_to_chat_request(Json::parse(R"({"input":"Hi","tool_choice":"auto","tools":[
    {"type":"web_search"},{"type":"function","name":"shell","parameters":{"type":"object"}}]})"),
                                                changes);
  ASSERT_EQ(r.chat["tools"].size(), 1u);
  EXPECT_EQ(r.chat["tools"][0]["function"]["name"], "shell");
  EXPECT_EQ(r.chat["tool_choice"], "auto");
  ASSERT_EQ(changes.warnings().size(), 1u);
  EXPECT_NE(changes.warnings()[0].find("web_search"), std::string::npos) << changes.warnings()[0];

  // Nothing left: no tools and no tool_choice (an upstream refuses a choice among no tools).
  Changes only;
  ResponsesAsChat r2 = responses_to_chat_request(
      Json::parse(
          R"({"input":"Hi","tool_choice":"auto","parallel_tool_calls":true,"tools":[{"type":"web_search_preview"}]})"),
      only);
  EXPECT_FALSE(r2.chat.contains("tools"));
  EXPECT_FALSE(r2.chat.contains("tool_choice"));
  EXPECT_FALSE(r2.chat.contains("parallel_tool_calls"));
  EXPECT_EQ(only.warnings().size(), 1u);
}

// ---- whole responses ------------------------------------------------------------------------

TEST(ResponsesResponse, ChatCompletionMatchesGolden) {
  Json r = chat_to_responses_response(fixture_json("responses/chat_completion.json"), small_echo(), true);
  expect_golden_json(r, "responses/chat_completion.response.json");

  EXPECT_EQ(r["id"], "resp_Bx7kQ2");
  EXPECT_EQ(r["object"], "response");
  EXPECT_EQ(r["created_at"], 1750000000);
  EXPECT_EQ(r["status"], "completed");
  EXPECT_TRUE(r["error"].is_null());
  EXPECT_TRUE(r["incomplete_details"].is_null());
  EXPECT_EQ(r["model"], "gpt-5");  // the requested model, echoed
  const Json& out = r["output"];
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0]["id"], "rs_Bx7kQ2");
  EXPECT_EQ(out[0]["type"], "reasoning");
  EXPECT_EQ(out[0]["summary"], Json::parse(R"([{"type":"summary_text","text":"The user wants a file list."}])"));
  EXPECT_EQ(decode_reasoning(out[0]["encrypted_content"].get<std::string>()),
            fixture_json("responses/chat_completion.json")["choices"][0]["message"]["thinking_blocks"]);
  EXPECT_EQ(out[1]["id"], "msg_Bx7kQ2");
  EXPECT_EQ(out[1]["type"], "message");
  EXPECT_EQ(out[1]["role"], "assistant");
  EXPECT_EQ(out[1]["status"], "completed");
  EXPECT_EQ(out[1]["content"],
            Json::parse(R"([{"type":"output_text","annotations":[],"logprobs":[],"text":"Let me check."}])"));
  std::set<std::string> ids;
  for (const Json& item : out) ids.insert(item["id"].get<std::string>());
  EXPECT_EQ(ids.size(), out.size());  // item ids are unique
  for (size_t i : {2u, 3u}) {
    EXPECT_TRUE(out[i]["id"].get<std::string>().starts_with("fc_")) << out[i];
    EXPECT_EQ(out[i]["type"], "function_call");
    EXPECT_EQ(out[i]["status"], "completed");
    EXPECT_EQ(out[i]["name"], "shell");
  }
  EXPECT_EQ(out[2]["call_id"], "call_1");
  EXPECT_EQ(out[2]["arguments"], "{\"command\":[\"ls\",\"src\"]}");
  EXPECT_EQ(out[3]["call_id"], "call_2");
  EXPECT_EQ(r["usage"], Json::parse(R"({"input_tokens":1200,"input_tokens_details":{"cached_tokens":1024},
    "output_tokens":80,"output_tokens_details":{"reasoning_tokens":32},"total_tokens":1280})"));
}

TEST(ResponsesResponse, LengthIsIncompleteForMaxOutputTokens) {
  Json chat = fixture_json("responses/chat_completion.json");
  Json& choice = chat["choices"][0];
  choice["finish_reason"] = "length";
  choice["message"].erase("tool_calls");
  Json r = chat_to_responses_response(chat, small_echo(), false);
  EXPECT_EQ(r["status"], "incomplete");
  EXPECT_EQ(r["incomplete_details"], Json::parse(R"({"reason":"max_output_tokens"})"));
  ASSERT_EQ(r["output"].size(), 2u);
  EXPECT_EQ(r["output"][1]["status"], "incomplete");
  EXPECT_FALSE(r["output"][0].contains("encrypted_content"));  // not asked for

  choice["finish_reason"] = "content_filter";
  r = chat_to_responses_response(chat, small_echo(), false);
  EXPECT_EQ(r["status"], "incomplete");
  EXPECT_EQ(r["incomplete_details"], Json::parse(R"({"reason":"content_filter"})"));
}

TEST(ResponsesResponse, UsageMapping) {
  EXPECT_EQ(responses_usage(Json::parse(R"({"prompt_tokens":10,"completion_tokens":5})")),
            Json::parse(R"({"input_tokens":10,"input_tokens_details":{"cached_tokens":0},"output_tokens":5,
                            "output_tokens_details":{"reasoning_tokens":0},"total_tokens":15})"));
  EXPECT_TRUE(responses_usage(Json()).is_null());
  Json chat = fixture_json("responses/chat_completion.json");
  chat.erase("usage");
  EXPECT_TRUE(chat_to_responses_response(chat, small_echo(), false)["usage"].is_null());
}

// ---- streams --------------------------------------------------------------------------------

struct Event {
  std::string type;
  Json data;
};

// Splits `event: <type>\ndata: <json>\n\n`, failing the test on any other framing.
Event parse_sse(const std::string& e) {
  Event ev;
  EXPECT_TRUE(e.starts_with("event: ")) << e;
  EXPECT_TRUE(e.ends_with("\n\n")) << e;
  const size_t nl = e.find('\n');
  if (nl == std::string::npos || e.compare(nl + 1, 6, "data: ") != 0) {
    ADD_FAILURE() << "no data line: " << e;
    return ev;
  }
  EXPECT_EQ(e.find('\n', nl + 1), e.size() - 2) << "more than two lines: " << e;
  ev.type = e.substr(7, nl - 7);
  ev.data = Json::parse(e.substr(nl + 7), nullptr, false);
  EXPECT_FALSE(ev.data.is_discarded()) << e;
  return ev;
}

// One converter and what it emitted.
struct StreamRec {
  explicit StreamRec(bool encrypted = false) : conv(small_echo(), encrypted) {}
  ChatToResponsesStream conv;
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
  std::vector<Event> events() const {
    std::vector<Event> v;
    for (const auto& e : raw) v.push_back(parse_sse(e));
    return v;
  }
};

Json chunk(const char* delta, const char* finish = nullptr) {
  Json c = Json::parse(
      R"({"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1750000001,"model":"gpt-5-2025-08-07","choices":[{"index":0,"delta":{},"finish_reason":null}]})");
  c["choices"][0]["delta"] = Json::parse(delta);
  if (finish) c["choices"][0]["finish_reason"] = finish;
  return c;
}

// Every structural rule of the Responses stream the events must keep.
void expect_well_formed(const std::vector<Event>& ev) {
  ASSERT_GE(ev.size(), 3u);
  EXPECT_EQ(ev[0].type, "response.created");
  EXPECT_EQ(ev[1].type, "response.in_progress");
  EXPECT_EQ(ev[0].data["response"]["status"], "in_progress");
  EXPECT_EQ(ev[0].data["response"]["output"], Json::array());
  int64_t open = -1, next = 0;
  std::string open_id;
  for (size_t i = 0; i < ev.size(); ++i) {
    const Event& e = ev[i];
    EXPECT_EQ(e.data["type"], e.type) << i;
    EXPECT_EQ(e.data["sequence_number"], static_cast<int64_t>(i)) << e.type;
    const bool terminal =
        e.type == "response.completed" || e.type == "response.incomplete" || e.type == "response.failed";
    EXPECT_EQ(terminal, i + 1 == ev.size()) << i << " " << e.type;
    if (e.type == "response.created" || e.type == "response.in_progress" || terminal) {
      EXPECT_TRUE(e.data["response"].is_object()) << e.type;
      continue;
    }
    if (e.type == "response.output_item.added") {
      EXPECT_EQ(open, -1) << "item added while item " << open << " is open";
      EXPECT_EQ(e.data["output_index"], next);
      open = next++;
      open_id = e.data["item"]["id"].get<std::string>();
      continue;
    }
    EXPECT_EQ(e.data["output_index"], open) << i << " " << e.type << " outside its item";
    if (e.type == "response.output_item.done") {
      EXPECT_EQ(e.data["item"]["id"], open_id);
      open = -1;
    } else {
      EXPECT_EQ(e.data["item_id"], open_id) << e.type;
    }
  }
  EXPECT_EQ(open, -1) << "an item was left open";
}

class ResponsesStream : public ::testing::Test {
 protected:
  Json chunks = fixture_json("responses/stream.chunks.json");
};

TEST_F(ResponsesStream, MatchesGolden) {
  StreamRec s;
  s.feed(chunks);
  s.conv.finish(s.emit);
  EXPECT_TRUE(s.conv.ended());
  expect_golden_text(s.joined(), "responses/stream.expected.sse");
}

TEST_F(ResponsesStream, EventsAreWellFormedAndInOrder) {
  StreamRec s;
  s.feed(chunks);
  s.conv.finish(s.emit);
  const std::vector<Event> ev = s.events();
  expect_well_formed(ev);

  std::vector<std::string> types;
  for (const auto& e : ev) types.push_back(e.type);
  const std::vector<std::string> want{
      "response.created",
      "response.in_progress",
      "response.output_item.added",  // reasoning
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",  // message
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",  // call_1
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.output_item.added",  // call_2
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
  };
  EXPECT_EQ(types, want);
}

TEST_F(ResponsesStream, CompletedResponseHoldsTheDoneItemsAndUsage) {
  StreamRec s;
  s.feed(chunks);
  s.conv.finish(s.emit);
  const std::vector<Event> ev = s.events();
  Json done_items = Json::array();
  std::string text, summary, args;
  for (const auto& e : ev) {
    if (e.type == "response.output_item.done") done_items.push_back(e.data["item"]);
    if (e.type == "response.output_text.delta") text += e.data["delta"].get<std::string>();
    if (e.type == "response.reasoning_summary_text.delta") summary += e.data["delta"].get<std::string>();
    if (e.type == "response.function_call_arguments.delta" && e.data["output_index"] == 2)
      args += e.data["delta"].get<std::string>();
  }
  const Json& r = ev.back().data["response"];
  EXPECT_EQ(ev.back().type, "response.completed");
  EXPECT_EQ(r["status"], "completed");
  EXPECT_EQ(r["id"], "resp_Bx7kQ2");
  EXPECT_EQ(r["output"], done_items);
  ASSERT_EQ(done_items.size(), 4u);
  EXPECT_EQ(done_items[0]["summary"][0]["text"], summary);
  EXPECT_EQ(done_items[1]["content"][0]["text"], text);
  EXPECT_EQ(done_items[2]["arguments"], args);
  EXPECT_EQ(args, "{\"command\":[\"ls\",\"src\"]}");
  EXPECT_EQ(done_items[3]["arguments"], "{\"command\":[\"pwd\"]}");
  EXPECT_EQ(r["usage"], responses_usage(chunks.back()["usage"]));
  EXPECT_EQ(r["usage"]["input_tokens_details"]["cached_tokens"], 1024);
  EXPECT_EQ(r["usage"]["output_tokens_details"]["reasoning_tokens"], 32);
  // The items' in_progress forms went out with output_item.added.
  for (const auto& e : ev) {
    if (e.type == "response.output_item.added" && e.data["item"]["type"] != "reasoning") {
      EXPECT_EQ(e.data["item"]["status"], "in_progress") << e.data;
    }
  }
}

// The stream ends on the Response the same answer gives whole.
TEST_F(ResponsesStream, CompletedResponseEqualsTheWholeResponse) {
  StreamRec s;
  s.feed(chunks);
  s.conv.finish(s.emit);
  Json whole = chat_to_responses_response(fixture_json("responses/chat_completion.json"), small_echo(), false);
  EXPECT_EQ(s.events().back().data["response"], whole) << s.events().back().data["response"].dump(2) << "\n"
                                                       << whole.dump(2);
}

TEST_F(ResponsesStream, ErrorClosesTheOpenItemAndFails) {
  StreamRec s;
  s.conv.on_chunk(chunk(R"({"role":"assistant","content":""})"), s.emit);
  s.conv.on_chunk(chunk(R"({"content":"Half an ans"})"), s.emit);
  s.conv.on_error(Json::parse(R"({"message":"Overloaded","type":"overloaded_error"})"), s.emit);
  EXPECT_TRUE(s.conv.ended());
  const std::vector<Event> ev = s.events();
  expect_well_formed(ev);
  ASSERT_GE(ev.size(), 2u);
  EXPECT_EQ(ev[ev.size() - 2].type, "response.output_item.done");
  EXPECT_EQ(ev[ev.size() - 2].data["item"]["content"][0]["text"], "Half an ans");
  const Event& last = ev.back();
  EXPECT_EQ(last.type, "response.failed");
  EXPECT_EQ(last.data["response"]["status"], "failed");
  EXPECT_EQ(last.data["response"]["error"]["message"], "Overloaded");
  EXPECT_EQ(last.data["response"]["error"]["code"], "overloaded_error");
  EXPECT_EQ(last.data["response"]["output"].size(), 1u);

  // Ended: nothing more goes out, whatever comes.
  const size_t n = s.raw.size();
  s.conv.on_chunk(chunk(R"({"content":"more"})"), s.emit);
  s.conv.on_error(Json::parse(R"({"message":"again"})"), s.emit);
  s.conv.finish(s.emit);
  EXPECT_EQ(s.raw.size(), n);
}

TEST_F(ResponsesStream, NothingAfterFinish) {
  StreamRec s;
  s.feed(chunks);
  s.conv.finish(s.emit);
  const size_t n = s.raw.size();
  EXPECT_TRUE(s.conv.ended());
  s.conv.finish(s.emit);
  s.feed(chunks);
  s.conv.on_error(Json::parse(R"({"message":"late"})"), s.emit);
  EXPECT_EQ(s.raw.size(), n);
}

TEST_F(ResponsesStream, ErrorBeforeAnyChunkStillStartsTheResponse) {
  StreamRec s;
  s.conv.on_error(Json::parse(R"({"message":"boom","code":"server_error"})"), s.emit);
  const std::vector<Event> ev = s.events();
  expect_well_formed(ev);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[2].type, "response.failed");
  EXPECT_EQ(ev[2].data["response"]["error"], Json::parse(R"({"code":"server_error","message":"boom"})"));
}

TEST_F(ResponsesStream, LengthEndsIncomplete) {
  StreamRec s;
  s.conv.on_chunk(chunk(R"({"role":"assistant","content":"Cut"})"), s.emit);
  s.conv.on_chunk(chunk(R"({})", "length"), s.emit);
  s.conv.finish(s.emit);
  const std::vector<Event> ev = s.events();
  expect_well_formed(ev);
  const Event& last = ev.back();
  EXPECT_EQ(last.type, "response.incomplete");
  EXPECT_EQ(last.data["response"]["status"], "incomplete");
  EXPECT_EQ(last.data["response"]["incomplete_details"], Json::parse(R"({"reason":"max_output_tokens"})"));
  EXPECT_EQ(last.data["response"]["output"][0]["status"], "incomplete");
  EXPECT_TRUE(last.data["response"]["usage"].is_null());  // the upstream sent none
}

TEST_F(ResponsesStream, EmptyStreamCompletesWithNoOutput) {
  StreamRec s;
  s.conv.finish(s.emit);
  const std::vector<Event> ev = s.events();
  expect_well_formed(ev);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[2].type, "response.completed");
  EXPECT_EQ(ev[2].data["response"]["output"], Json::array());
}

// When a kind recurs — reasoning or text again after a tool call — the second item still gets an
// id of its own: the Responses API gives every output item of a response its own id.
TEST_F(ResponsesStream, ItemIdsAreUniqueWhenAKindRecurs) {
  StreamRec s;
  s.conv.on_chunk(chunk(R"({"role":"assistant","reasoning_content":"Plan."})"), s.emit);
  s.conv.on_chunk(chunk(R"({"content":"Checking."})"), s.emit);
  s.conv.on_chunk(
      chunk(R"({"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]})"),
      s.emit);
  s.conv.on_chunk(chunk(R"({"reasoning_content":"Again."})"), s.emit);
  s.conv.on_chunk(chunk(R"({"content":"Done."})", "stop"), s.emit);
  s.conv.finish(s.emit);
  const std::vector<Event> ev = s.events();
  expect_well_formed(ev);
  const Json& out = ev.back().data["response"]["output"];
  ASSERT_EQ(out.size(), 5u);
  std::set<std::string> ids;
  for (const Json& item : out) ids.insert(item["id"].get<std::string>());
  EXPECT_EQ(ids.size(), out.size()) << out.dump(2);
}

TEST_F(ResponsesStream, ToolCallResumedAfterAnotherItemIsAnUpstreamError) {
  StreamRec s;
  s.conv.on_chunk(
      chunk(R"({"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{"}}]})"),
      s.emit);
  s.conv.on_chunk(chunk(R"({"content":"text"})"), s.emit);
  EXPECT_NE(
      error_of([&] { s.conv.on_chunk(chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"}"}}]})"), s.emit); }),
      "");
}

// ---- served through a plugin's chat hooks ---------------------------------------------------

// A chat stream converter that passes the upstream's chat SSE through unchanged (as a plugin for an
// OpenAI-compatible upstream does), writing [DONE] at finish.
class PassThroughChat final : public aicore::StreamConverter {
 public:
  void feed(std::string_view bytes, const aicore::Sink& events) override {
    buf_.append(bytes);
    for (size_t p; (p = buf_.find("\n\n")) != std::string::npos; buf_.erase(0, p + 2)) {
      const std::string e = buf_.substr(0, p + 2);
      events.write(e);
      if (e == "data: [DONE]\n\n") {
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

// Chat hooks that record what they were given.
class ChatPlugin final : public aicore::mapping::ResponsesOverChat {
 public:
  ChatPlugin() : ResponsesOverChat("test") {}
  bool detect_model(std::string_view) const override { return true; }
  using ResponsesOverChat::openai_responses_request;
  using ResponsesOverChat::openai_responses_response;
  using ResponsesOverChat::openai_responses_stream;

  mutable std::string chat_body, seen_context;

 protected:
  aicore::UpstreamRequest openai_chat_request(const aicore::RequestIn& in) const override {
    chat_body = std::string(in.body);
    return {"/chat/completions", chat_body, "ctx;12;with;semicolons{\"x\":1}"};
  }
  std::string openai_chat_response(const aicore::ResponseIn& in, aicore::Usage&) const override {
    seen_context = std::string(in.context);
    return std::string(in.body);
  }
  std::unique_ptr<aicore::StreamConverter> openai_chat_stream(const aicore::ResponseIn& in) const override {
    seen_context = std::string(in.context);
    return std::make_unique<PassThroughChat>();
  }
};

TEST(ResponsesProvider, WholeResponseThroughTheChatHooks) {
  ChatPlugin p;
  const std::string body = R"({"model":"gpt-5","input":"Hi","include":["reasoning.encrypted_content"]})";
  aicore::RequestIn in{ACP_DIALECT_OPENAI_RESPONSES, "gpt-5", "gpt-5", body, aicore::Headers(nullptr, 0), false};
  aicore::UpstreamRequest up = p.openai_responses_request(in);
  EXPECT_EQ(Json::parse(p.chat_body), Json::parse(R"({"model":"gpt-5","messages":[{"role":"user","content":"Hi"}]})"));
  EXPECT_EQ(up.target, "/chat/completions");

  Json chat = fixture_json("responses/chat_completion.json");
  const std::string chat_text = chat.dump();
  aicore::ResponseIn rin{ACP_DIALECT_OPENAI_RESPONSES, "gpt-5", up.context, 200, "application/json", chat_text};
  aicore::Usage usage;
  Json r = Json::parse(p.openai_responses_response(rin, usage));
  EXPECT_EQ(p.seen_context, "ctx;12;with;semicolons{\"x\":1}");  // the chat hook's own context, unchanged
  EXPECT_EQ(r["output"], chat_to_responses_response(chat, small_echo(), true)["output"]);
  EXPECT_TRUE(r["output"][0].contains("encrypted_content"));  // include: reasoning.encrypted_content
  EXPECT_EQ(r["usage"], responses_usage(chat["usage"]));
}

// Through the provider too, a Response echoes tools, text, tool_choice, … of the request.
TEST(ResponsesProvider, ResponseEchoesTheRequest) {
  ChatPlugin p;
  const std::string body = kSmallRequest;
  aicore::RequestIn in{ACP_DIALECT_OPENAI_RESPONSES, "gpt-5", "gpt-5", body, aicore::Headers(nullptr, 0), false};
  aicore::UpstreamRequest up = p.openai_responses_request(in);
  const std::string chat_text = fixture_json("responses/chat_completion.json").dump();
  aicore::ResponseIn rin{ACP_DIALECT_OPENAI_RESPONSES, "gpt-5", up.context, 200, "application/json", chat_text};
  aicore::Usage usage;
  Json r = Json::parse(p.openai_responses_response(rin, usage));
  EXPECT_EQ(r, chat_to_responses_response(fixture_json("responses/chat_completion.json"), small_echo(), false));
}

TEST(ResponsesProvider, StreamThroughTheChatHooks) {
  ChatPlugin p;
  const std::string body = kSmallRequest;
  aicore::RequestIn in{ACP_DIALECT_OPENAI_RESPONSES, "gpt-5", "gpt-5", body, aicore::Headers(nullptr, 0), true};
  aicore::UpstreamRequest up = p.openai_responses_request(in);
  aicore::ResponseIn rin{ACP_DIALECT_OPENAI_RESPONSES, "gpt-5", up.context, 200, "text/event-stream", ""};
  auto conv = p.openai_responses_stream(rin);
  EXPECT_EQ(p.seen_context, "ctx;12;with;semicolons{\"x\":1}");

  struct Out {
    std::vector<std::string> events;
    int ends = 0;
    size_t ended_at = 0;
  } out;
  acp_event_sink sink{};
  sink.base.ctx = &out;
  sink.base.write = [](void* ctx, acp_str b) { static_cast<Out*>(ctx)->events.emplace_back(b.ptr, b.len); };
  sink.struct_size = sizeof(acp_event_sink);
  sink.end = [](void* ctx) {
    auto* o = static_cast<Out*>(ctx);
    ++o->ends;
    o->ended_at = o->events.size();
  };
  sink.upstream_error = [](void*, acp_error_class, int32_t, acp_str, acp_str) {};
  sink.usage = [](void*, const acp_usage*) {};
  const aicore::Sink events = aicore::Sink::layered(&sink);

  std::string sse;
  for (const Json& c : fixture_json("responses/stream.chunks.json")) sse += "data: " + c.dump() + "\n\n";
  sse += "data: [DONE]\n\n";
  for (size_t i = 0; i < sse.size(); i += 7) conv->feed(std::string_view(sse).substr(i, 7), events);
  conv->finish(events);

  StreamRec direct;
  direct.feed(fixture_json("responses/stream.chunks.json"));
  direct.conv.finish(direct.emit);
  // The same events; the echoed parameters are left to ResponseEchoesTheRequest.
  ASSERT_EQ(out.events.size(), direct.raw.size());
  for (size_t i = 0; i < out.events.size(); ++i)
    EXPECT_EQ(parse_sse(out.events[i]).type, parse_sse(direct.raw[i]).type) << i;
  EXPECT_EQ(out.ends, 1);
  EXPECT_EQ(out.ended_at, out.events.size());  // end() right after response.completed
  EXPECT_EQ(parse_sse(out.events.back()).data["response"]["output"], direct.events().back().data["response"]["output"]);
}

}  // namespace

// Claude's signed thinking reaches the chat stream as a thinking_blocks delta when its block ends;
// with include reasoning.encrypted_content the reasoning item carries it, and the next request
// turns it back into the same blocks, byte-exact.
TEST(ResponsesStreamThinking, SignedThinkingBecomesEncryptedContentOnlyWhenAskedFor) {
  for (bool encrypted : {true, false}) {
    StreamRec s(encrypted);
    s.conv.on_chunk(chunk(R"({"role":"assistant","reasoning_content":"Plan it."})"), s.emit);
    s.conv.on_chunk(chunk(R"({"thinking_blocks":[{"type":"thinking","thinking":"Plan it.","signature":"sig-1"}]})"),
                    s.emit);
    s.conv.on_chunk(chunk(R"({"content":"Done."})", "stop"), s.emit);
    s.conv.finish(s.emit);
    const auto ev = s.events();
    const Json& output = ev.back().data["response"]["output"];
    ASSERT_EQ(output.size(), 2u) << s.joined();
    EXPECT_EQ(output[0]["summary"][0]["text"], "Plan it.");
    if (!encrypted) {
      EXPECT_FALSE(output[0].contains("encrypted_content"));
      continue;
    }
    const Json blocks = aicore::mapping::decode_reasoning(output[0]["encrypted_content"].get<std::string>());
    EXPECT_EQ(blocks, Json::parse(R"([{"type":"thinking","thinking":"Plan it.","signature":"sig-1"}])"));
  }
}

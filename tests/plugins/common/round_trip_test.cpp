// Round trips across both directions: what a client sends in one dialect survives a trip through the
// other, as far as both sides can express it; and two-turn tool conversations stay consistent.
#include "test_support.hpp"

using namespace mapping_test;
using namespace aicore::mapping;

TEST(RoundTrip, OpenAIToolConversationThroughAnthropicAndBack) {
  // Turn 1: the OpenAI client asks; Claude calls a tool (as an Anthropic message).
  Json req1 = Json::parse(R"({"messages":[{"role":"user","content":"Weather in Paris?"}],
    "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]})");
  Json up1 = openai_to_anthropic_request(req1);
  Json claude = Json::parse(R"({"id":"msg_1","type":"message","role":"assistant","content":[
      {"type":"tool_use","id":"toolu_01Q","name":"get_weather","input":{"city":"Paris"}}],
      "stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":5}})");
  Json resp1 = anthropic_to_openai_response(claude, "claude", 1);
  ASSERT_EQ(resp1["choices"][0]["finish_reason"], "tool_calls");
  const Json& assistant = resp1["choices"][0]["message"];

  // Turn 2: the client appends the assistant message as received and its tool result.
  Json req2 = req1;
  req2["messages"].push_back(assistant);
  req2["messages"].push_back(Json::parse(R"({"role":"tool","tool_call_id":"toolu_01Q","content":"18C"})"));
  Json up2 = openai_to_anthropic_request(req2);
  EXPECT_EQ(up2["messages"], Json::parse(R"([
    {"role":"user","content":"Weather in Paris?"},
    {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01Q","name":"get_weather","input":{"city":"Paris"}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01Q","content":"18C"}]}])"));
  EXPECT_EQ(up1["tools"], up2["tools"]);
}

TEST(RoundTrip, ThinkingBlocksComeBackToClaudeWithTheirSignature) {
  Json claude = fixture_json("from_anthropic/thinking.message.json");
  claude["content"].push_back(Json::parse(R"({"type":"tool_use","id":"toolu_9","name":"f","input":{}})"));
  claude["stop_reason"] = "tool_use";
  Json resp = anthropic_to_openai_response(claude, "claude", 1);
  Json req = Json::parse(R"({"messages":[{"role":"user","content":"2+2?"}],"reasoning_effort":"low",
    "tools":[{"type":"function","function":{"name":"f"}}]})");
  req["messages"].push_back(resp["choices"][0]["message"]);
  req["messages"].push_back(Json::parse(R"({"role":"tool","tool_call_id":"toolu_9","content":"ok"})"));
  Json up = openai_to_anthropic_request(req);
  const Json& blocks = up["messages"][1]["content"];
  EXPECT_EQ(blocks[0], claude["content"][0]);  // byte-exact thinking with signature
  EXPECT_EQ(blocks[1], claude["content"][1]);  // redacted_thinking
  EXPECT_EQ(blocks.back()["type"], "tool_use");
  EXPECT_TRUE(up.contains("thinking"));  // kept on, since the tool turn starts with thinking
}

TEST(RoundTrip, AnthropicToolConversationThroughOpenAIAndBack) {
  // Claude Code on GPT: turn 1 request, GPT answers with a tool call, mapped back to Anthropic.
  Json req1 = Json::parse(R"({"model":"gpt-4o","max_tokens":100,"messages":[{"role":"user","content":"ls please"}],
    "tools":[{"name":"Bash","input_schema":{"type":"object","properties":{"command":{"type":"string"}}}}]})");
  Json up1 = anthropic_to_openai_request(req1);
  Json gpt = Json::parse(R"({"id":"chatcmpl-7","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
    "tool_calls":[{"id":"call_abc","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"ls\"}"}}]}}],
    "usage":{"prompt_tokens":20,"completion_tokens":9}})");
  Json msg = openai_to_anthropic_response(gpt, "gpt-4o");
  ASSERT_EQ(msg["stop_reason"], "tool_use");

  Json req2 = req1;
  req2["messages"].push_back(Json::parse(R"({"role":"assistant"})"));
  req2["messages"].back()["content"] = msg["content"];
  req2["messages"].push_back(Json::parse(R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"call_abc","content":"a.txt"}]})"));
  Json up2 = anthropic_to_openai_request(req2);
  EXPECT_EQ(up2["messages"], Json::parse(R"([
    {"role":"user","content":"ls please"},
    {"role":"assistant","content":null,"tool_calls":[{"id":"call_abc","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"ls\"}"}}]},
    {"role":"tool","tool_call_id":"call_abc","content":"a.txt"}])"));
  EXPECT_EQ(up1["tools"], up2["tools"]);
}

TEST(RoundTrip, AnthropicRequestSurvivesOpenAIFormAndBack) {
  // What both dialects express survives Anthropic -> OpenAI -> Anthropic unchanged.
  Json a = Json::parse(R"({"max_tokens":300,"system":"Be brief.","messages":[
      {"role":"user","content":"Hi"},
      {"role":"assistant","content":[{"type":"text","text":"Calling."},{"type":"tool_use","id":"toolu_1","name":"f","input":{"x":1}}]},
      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"done"},{"type":"text","text":"Thanks"}]}],
    "tools":[{"name":"f","description":"F.","input_schema":{"type":"object","properties":{"x":{"type":"integer"}}}}],
    "tool_choice":{"type":"any"},"stop_sequences":["END"],"temperature":0.5})");
  Json back = openai_to_anthropic_request(anthropic_to_openai_request(a));
  EXPECT_EQ(back, a) << back.dump(2);
}

TEST(RoundTrip, OpenAIResponseSurvivesAnthropicFormAndBack) {
  Json gpt = fixture_json("from_openai/tools.completion.json");
  Json back = anthropic_to_openai_response(openai_to_anthropic_response(gpt, "gpt-4o"), "gpt-4o", gpt["created"]);
  EXPECT_EQ(back["choices"][0]["message"]["content"], gpt["choices"][0]["message"]["content"]);
  // Azure sorts its keys; compare as unordered JSON.
  auto unordered = [](const Json& j) { return nlohmann::json::parse(j.dump()); };
  EXPECT_EQ(unordered(back["choices"][0]["message"]["tool_calls"]), unordered(gpt["choices"][0]["message"]["tool_calls"]));
  EXPECT_EQ(back["choices"][0]["finish_reason"], "tool_calls");
  EXPECT_EQ(back["usage"]["prompt_tokens"], 52);
  EXPECT_EQ(back["usage"]["completion_tokens"], 38);
  EXPECT_EQ(back["id"], gpt["id"]);
}

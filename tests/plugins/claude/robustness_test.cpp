// Mutated inputs must never crash a converter or escape as anything but a PluginError (anything
// else reaches the client as a 500 "plugin error" instead of a 400/502 with a reason).
#include "test_support.hpp"

#include "claude/bedrock_rules.hpp"
#include "claude/context.hpp"
#include "claude/converse.hpp"
#include "claude/converse_stream.hpp"
#include "claude/invoke_stream.hpp"
#include "claude/messages_stream.hpp"
#include "claude/provider.hpp"
#include "support/hostile_json.hpp"

#include <functional>
#include <random>

using namespace claude_test;
using namespace aicore::claude;

namespace {

std::string mutate(std::string s, std::mt19937& rng) {
  static const char kBytes[] = "{}[]\"':,\\0123456789.-+eE ntfruaTFN\n\r\x01\xff";
  int edits = std::uniform_int_distribution<int>(1, 4)(rng);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    size_t at = std::uniform_int_distribution<size_t>(0, s.size() - 1)(rng);
    char b = kBytes[std::uniform_int_distribution<size_t>(0, sizeof(kBytes) - 2)(rng)];
    switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
      case 0: s[at] = b; break;
      case 1: s.erase(at, 1); break;
      case 2: s.insert(at, 1, b); break;
      default: s.resize(at); break;
    }
  }
  return s;
}

void expect_only_plugin_errors(const std::string& seed, int rounds, const std::function<void(const std::string&)>& f) {
  std::mt19937 rng(42);
  for (int i = 0; i < rounds; ++i) {
    std::string input = mutate(seed, rng);
    try {
      f(input);
    } catch (const aicore::PluginError& e) {
      ASSERT_NE(e.status, ACP_ERR_INTERNAL) << input;
      ASSERT_FALSE(e.message.empty()) << input;
    } catch (const std::exception& e) {
      FAIL() << "non-PluginError exception '" << e.what() << "' for input:\n" << input;
    }
  }
}

}  // namespace

TEST(Robustness, MessagesRequests) {
  ClaudeProvider p("{}");
  for (const char* f : {"claude_code.request.json", "server_tools_only.request.json", "leading_system.request.json"})
    for (bool converse : {false, true}) {
      ClaudeProvider pc(converse ? R"({"api":"converse"})" : "{}");
      expect_only_plugin_errors(fixture(f), 1500, [&](const std::string& body) {
        std::string out;
        acp_request_out raw{sizeof(acp_request_out), &out, nullptr, nullptr, nullptr,
                            [](void* c, acp_str s) { *static_cast<std::string*>(c) += aicore::view(s); }, nullptr, nullptr};
        aicore::RequestIn in{ACP_DIALECT_ANTHROPIC_MESSAGES, "m", "anthropic--claude-4.5-sonnet", body, aicore::Headers(nullptr, 0), true};
        pc.convert_request(in, aicore::RequestOut(&raw));
        ASSERT_TRUE(Json::accept(out));
      });
    }
}

TEST(Robustness, Responses) {
  ClaudeProvider p("{}");
  ResponseContext conv;
  conv.api = Api::Converse;
  expect_only_plugin_errors(fixture("converse_response.converse.json"), 1500, [&](const std::string& body) {
    Collect out;
    p.convert_response(aicore::ResponseIn{ACP_DIALECT_ANTHROPIC_MESSAGES, "m", conv.encode(), 200, "", body}, out.sink());
  });
}

TEST(Robustness, Streams) {
  for (const char* f : {"bedrock_text.sse", "bedrock_tools.sse", "bedrock_error.sse"})
    expect_only_plugin_errors(fixture(f), 1500, [](const std::string& sse) {
      MessagesStreamConverter c(std::make_unique<InvokeEventSource>());
      Collect out;
      c.feed(sse, out.sink());
      c.finish(out.sink());
    });
  for (const char* f : {"converse_tools.python.sse", "converse_tools.json.sse"})
    expect_only_plugin_errors(fixture(f), 1500, [](const std::string& sse) {
      MessagesStreamConverter c(std::make_unique<ConverseEventSource>("m", 1));
      Collect out;
      c.feed(sse, out.sink());
      c.finish(out.sink());
      for (const auto& e : out.items) ASSERT_TRUE(Json::accept(e.substr(e.find("data: ") + 6)));
    });
}

// ---- Hostile JSON through the C ABI on a worker-sized stack (tests/plugins/support/hostile_json.hpp).

namespace hostile = plugin_test::hostile;

TEST(Robustness, HostileClientJsonInBothChatDialects) {
  for (const char* settings : {"{}", R"({"api":"converse"})"}) {
    test_support::Adapter<ClaudeProvider> a(settings);
    hostile::expect_hostile_chat_bodies_refused_cleanly(a, "anthropic--claude-4.5-sonnet");
  }
}

// OpenAI chat on Claude: the assistant's tool-call arguments become tool_use.input through the
// shared mapping. JSON nested 3,000 deep there overflowed the worker stack before the nesting
// guard on embedded JSON.
TEST(Robustness, ToolArgumentsNestedDeepAreA400) {
  test_support::Adapter<ClaudeProvider> a("{}");
  auto o = hostile::expect_client_verdict(
      a, ACP_DIALECT_OPENAI_CHAT, "anthropic--claude-4.5-sonnet",
      hostile::fill(R"({"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":@}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}]})",
                    hostile::json_string(hostile::nested_objects(3000))),
      "deep arguments");
  EXPECT_EQ(o.status, ACP_ERR_INVALID_REQUEST);
  EXPECT_EQ(o.message, "messages[1].tool_calls[0].function.arguments: nested deeper than 64 levels");
}

TEST(Robustness, HostileUpstreamJson) {
  for (std::string_view context : {"claude.v1;api=invoke;usage=1;json=0;model=claude-sonnet-4-5",
                                   "claude.v1;api=converse;usage=1;json=0;model=claude-sonnet-4-5"}) {
    test_support::Adapter<ClaudeProvider> a(context.find("converse") != std::string_view::npos ? R"({"api":"converse"})" : "{}");
    hostile::expect_hostile_upstream_handled(
        a, "anthropic--claude-4.5-sonnet", context,
        {R"({"id":"m","type":"message","role":"assistant","model":"claude","content":[{"type":"tool_use","id":"t","name":"f","input":@}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}})",
         R"({"id":"m","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"x"}],"stop_reason":"end_turn","usage":{"input_tokens":@,"output_tokens":1}})",
         R"({"id":"m","type":"message","role":"assistant","model":"claude","content":@,"stop_reason":"end_turn"})",
         R"({"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"t","name":"f","input":@}}]}},"stopReason":"tool_use","usage":{"inputTokens":1,"outputTokens":1}})",
         R"({"output":{"message":{"role":"assistant","content":[{"text":"x"}]}},"stopReason":"end_turn","usage":{"inputTokens":@,"outputTokens":1}})",
         R"({"message":@})"},
        {R"(data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"f","input":@}})"
         "\n\n",
         R"(data: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"usage":{"input_tokens":@,"output_tokens":1}}})"
         "\n\n",
         R"(data: {'contentBlockStart': {'start': {'toolUse': {'toolUseId': 't', 'name': 'f', 'input': @}}, 'contentBlockIndex': 0}})"
         "\n\n",
         R"(data: {"metadata":{"usage":{"inputTokens":@,"outputTokens":1}}})"
         "\n\n"});
  }
}

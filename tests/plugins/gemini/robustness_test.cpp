// Hostile JSON through the gemini plugin's C ABI, on a stack the size of the proxy's workers'
// (tests/plugins/support/hostile_json.hpp): every case is a clear error or a well-formed result,
// never a crash or a 500.
#include "test_support.hpp"

#include "gemini/provider.hpp"
#include "support/hostile_json.hpp"

namespace hostile = plugin_test::hostile;
using Adapter = test_support::Adapter<aicore::gemini::GeminiProvider>;

namespace {
constexpr std::string_view kContext = R"({"v":"gemini.v1","m":"gemini-2.5-pro","u":true,"s":"0123abcd","h":12})";
}

TEST(Robustness, HostileClientJsonInBothChatDialects) {
  Adapter a("{}");
  hostile::expect_hostile_chat_bodies_refused_cleanly(a, "gemini-2.5-pro");
}

// Issue 10: ~31 KB, a tool schema chaining 1,000 $refs: SIGSEGV on the worker stack before.
TEST(Robustness, ARefChainIsA400NamingTheTool) {
  Adapter a("{}");
  for (const auto& [what, schema] : hostile::schemas()) {
    if (what != "a chain of 1,000 $refs") continue;
    auto o = hostile::expect_client_verdict(
        a, ACP_DIALECT_OPENAI_CHAT, "gemini-2.5-pro",
        hostile::fill(R"({"model":"gemini-2.5-pro","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":@}}]})",
                      schema),
        what);
    EXPECT_EQ(o.status, ACP_ERR_INVALID_REQUEST);
    EXPECT_EQ(o.message,
              "tools[0].function.parameters: schema nested deeper than 32 levels (each $ref followed counts as a level)");
  }
}

// JSON nested deep inside a string: a tool call's arguments and a tool's result are parsed into
// the Vertex body (functionCall.args, functionResponse.response), which is then serialised. Before
// the nesting guard on embedded JSON, 3,000 levels there overflowed the worker stack.
TEST(Robustness, JsonNestedDeepInsideStringsIsRefusedOrKeptAsText) {
  Adapter a("{}");
  const std::string deep = hostile::json_string(hostile::nested_objects(3000));
  auto args = hostile::expect_client_verdict(
      a, ACP_DIALECT_OPENAI_CHAT, "gemini-2.5-pro",
      hostile::fill(R"({"model":"gemini-2.5-pro","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":@}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}]})",
                    deep),
      "deep arguments");
  EXPECT_EQ(args.status, ACP_ERR_INVALID_REQUEST);
  EXPECT_EQ(args.message, "messages[1].tool_calls[0].function.arguments: nested deeper than 64 levels");
  auto result = hostile::expect_client_verdict(
      a, ACP_DIALECT_OPENAI_CHAT, "gemini-2.5-pro",
      hostile::fill(R"({"model":"gemini-2.5-pro","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":@}]})",
                    deep),
      "deep tool result");
  ASSERT_EQ(result.status, ACP_OK) << result.message;
  // Kept as text, wrapped as any non-object result is.
  EXPECT_NE(result.body.find(R"("response":{"result":"{\"a\":{\"a\":)"), std::string::npos);
}

TEST(Robustness, HostileUpstreamJson) {
  Adapter a("{}");
  hostile::expect_hostile_upstream_handled(
      a, "gemini-2.5-pro", kContext,
      {R"({"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"f","args":@}}]},"finishReason":"STOP"}]})",
       R"({"candidates":[{"content":{"role":"model","parts":[{"text":@}]},"finishReason":"STOP"}]})",
       R"({"candidates":@})",
       R"({"candidates":[{"content":{"role":"model","parts":[{"text":"x"}]},"finishReason":@}],"usageMetadata":{"promptTokenCount":1}})",
       R"({"candidates":[{"content":{"role":"model","parts":[{"text":"x"}]}}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":@}})",
       R"({"error":{"code":@,"message":"m","status":"INVALID_ARGUMENT"}})"},
      {R"(data: {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"f","args":@}}]},"finishReason":"STOP"}]})"
       "\n\n",
       R"(data: {"candidates":[{"content":{"role":"model","parts":[{"text":"x"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":@}})"
       "\n\n",
       R"([{"candidates":[{"content":{"role":"model","parts":[{"text":@}]}}]}])"});
}

TEST(Robustness, HostileEmbeddings) {
  Adapter a("{}");
  for (const auto& [what, v] : hostile::values()) {
    hostile::expect_client_verdict(a, ACP_DIALECT_OPENAI_EMBEDDINGS, "gemini-embedding-001",
                                   hostile::fill(R"({"model":"gemini-embedding-001","input":@})", v), what);
    hostile::expect_upstream_verdict(a, ACP_DIALECT_OPENAI_EMBEDDINGS, "gemini-embedding-001",
                                     R"({"v":"gemini.v1","m":"gemini-embedding-001","b64":true})",
                                     hostile::fill(R"({"predictions":[{"embeddings":{"values":@}}]})", v), what);
  }
}

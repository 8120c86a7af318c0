// Mutated inputs must never crash a converter or escape as anything but a PluginError: any other
// exception would reach the client as a 500 "plugin error" instead of a 400/502 with a reason.
#include "test_support.hpp"

#include "openai/chat_request.hpp"
#include "openai/chat_response.hpp"
#include "openai/chat_stream.hpp"
#include "openai/embeddings.hpp"
#include "openai/provider.hpp"
#include "support/hostile_json.hpp"

#include <functional>
#include <random>

using namespace openai_test;
using namespace aicore::openai;

namespace {

// Byte flips into JSON-significant characters, deletions and truncations.
std::string mutate(std::string s, std::mt19937& rng) {
  static const char kBytes[] = "{}[]\":,\\0123456789.-+eE ntfrua\n\r\x01\xff";
  int edits = std::uniform_int_distribution<int>(1, 4)(rng);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    size_t at = std::uniform_int_distribution<size_t>(0, s.size() - 1)(rng);
    switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
      case 0: s[at] = kBytes[std::uniform_int_distribution<size_t>(0, sizeof(kBytes) - 2)(rng)]; break;
      case 1: s.erase(at, 1); break;
      case 2: s.insert(at, 1, kBytes[std::uniform_int_distribution<size_t>(0, sizeof(kBytes) - 2)(rng)]); break;
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

TEST(Robustness, ChatRequests) {
  for (const char* f : {"chat_tools.request.json", "reasoning_gpt5.request.json", "stream_usage.request.json"})
    for (const char* model : {"gpt-4o", "o3"})
      expect_only_plugin_errors(fixture(f), 1500, [&](const std::string& body) {
        auto r = convert_chat_request(body, model, true, Settings{});
        ASSERT_TRUE(Json::accept(r.body));
      });
}

TEST(Robustness, EmbeddingsRequests) {
  for (const char* f : {"embeddings_strings.request.json", "embeddings_token_arrays.request.json"})
    expect_only_plugin_errors(fixture(f), 1500, [](const std::string& body) {
      convert_embeddings_request(body, "text-embedding-3-small", Settings{});
    });
}

TEST(Robustness, Responses) {
  expect_only_plugin_errors(fixture("chat_response_tools.azure.json"), 1500,
                            [](const std::string& body) { convert_chat_response(body); });
  expect_only_plugin_errors(fixture("embeddings_filtered.azure.json"), 1500,
                            [](const std::string& body) { convert_embeddings_response(body); });
}

TEST(Robustness, Streams) {
  for (const char* f : {"azure_text.sse", "azure_tools.sse", "azure_error.sse"})
    expect_only_plugin_errors(fixture(f), 1500, [](const std::string& sse) {
      ChatStreamConverter c(ResponseContext{true});
      Collect out;
      c.feed(sse, out.sink());
      c.finish(out.sink());
      for (const auto& e : out.items) ASSERT_TRUE(e.starts_with("data: ") && e.ends_with("\n\n")) << e;
    });
}

// ---- Hostile JSON through the C ABI on a worker-sized stack (tests/plugins/support/hostile_json.hpp).

namespace hostile = plugin_test::hostile;

TEST(Robustness, HostileClientJsonInBothChatDialects) {
  test_support::Adapter<aicore::openai::OpenAIProvider> a("{}");
  hostile::expect_hostile_chat_bodies_refused_cleanly(a, "gpt-4o");
  hostile::expect_hostile_chat_bodies_refused_cleanly(a, "o3");
}

TEST(Robustness, HostileEmbeddings) {
  test_support::Adapter<aicore::openai::OpenAIProvider> a("{}");
  for (const auto& [what, v] : hostile::values()) {
    hostile::expect_client_verdict(a, ACP_DIALECT_OPENAI_EMBEDDINGS, "text-embedding-3-small",
                                   hostile::fill(R"({"model":"text-embedding-3-small","input":@})", v), what);
    hostile::expect_upstream_verdict(a, ACP_DIALECT_OPENAI_EMBEDDINGS, "text-embedding-3-small", "",
                                     hostile::fill(R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":@}]})", v),
                                     what);
  }
}

// An Azure answer whose tool-call arguments hold JSON nested 5,000 deep, converted for an
// Anthropic client (arguments become tool_use.input): a stack overflow before the nesting guard on
// embedded JSON; now the arguments are kept as text in input._raw_arguments.
TEST(Robustness, UpstreamArgumentsNestedDeepStayText) {
  test_support::Adapter<aicore::openai::OpenAIProvider> a("{}");
  const std::string body = hostile::fill(
      R"({"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":@}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}})",
      hostile::json_string(hostile::nested_objects(5000)));
  std::string out;
  acp_status st = ACP_OK;
  test_support::run_on_worker_stack([&] {
    test_support::Collect c;
    test_support::Error e;
    st = a.convert_response(ACP_DIALECT_ANTHROPIC_MESSAGES, "gpt-4o", "", 200, body, c, e);
    out = c.joined();
  });
  ASSERT_EQ(st, ACP_OK);
  EXPECT_NE(out.find(R"("input":{"_raw_arguments":"{\"a\":{\"a\":)"), std::string::npos) << out.substr(0, 300);
}

TEST(Robustness, HostileUpstreamJson) {
  test_support::Adapter<aicore::openai::OpenAIProvider> a("{}");
  hostile::expect_hostile_upstream_handled(
      a, "gpt-4o", "openai.v1;usage=1",
      {R"({"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":@}}]},"finish_reason":"tool_calls"}]})",
       R"({"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":@},"finish_reason":"stop"}]})",
       R"({"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":@})",
       R"({"id":"c","object":"chat.completion","created":@,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}]})",
       R"({"id":"c","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":@,"completion_tokens":1}})",
       R"({"error":{"message":@,"code":"429"}})"},
      {R"(data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":@}}]}}]})"
       "\n\n",
       R"(data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":@,"delta":{"content":"x"}}]})"
       "\n\n",
       R"(data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":@,"completion_tokens":1}})"
       "\n\n"});
}

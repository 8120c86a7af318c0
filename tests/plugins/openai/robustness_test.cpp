// Mutated inputs must never crash a converter or escape as anything but a PluginError: any other
// exception would reach the client as a 500 "plugin error" instead of a 400/502 with a reason.
#include "test_support.hpp"

#include "openai/chat_request.hpp"
#include "openai/chat_response.hpp"
#include "openai/chat_stream.hpp"
#include "openai/embeddings.hpp"

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

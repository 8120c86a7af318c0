#include "test_support.hpp"

#include "openai/chat_request.hpp"
#include "openai/context.hpp"
#include "openai/embeddings.hpp"

using namespace openai_test;
using aicore::openai::convert_chat_request;
using aicore::openai::ResponseContext;
using aicore::openai::Settings;

namespace {

struct GoldenCase {
  const char* name;   // fixtures/<name>.request.json -> fixtures/<name>.upstream.json
  const char* model;  // the configured model key
  bool stream_hint;   // what the host read from the body
  const char* target;
  bool client_usage;  // what the context must remember
};

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

class ChatRequestGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(ChatRequestGolden, MatchesFixture) {
  const GoldenCase& c = GetParam();
  auto r = convert_chat_request(fixture(std::string(c.name) + ".request.json"), c.model, c.stream_hint, Settings{});
  EXPECT_EQ(r.target, c.target);
  EXPECT_JSON_EQ(Json::parse(r.body), fixture_json(std::string(c.name) + ".upstream.json"));
  EXPECT_EQ(ResponseContext::decode(r.context).client_include_usage, c.client_usage);
}

constexpr const char* kChat = "/chat/completions?api-version=2024-12-01-preview";

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ChatRequestGolden,
    ::testing::Values(GoldenCase{"chat_plain", "gpt-4o", false, kChat, false},
                      GoldenCase{"chat_tools", "gpt-4o", false, kChat, false},
                      GoldenCase{"chat_images", "gpt-4.1", false, kChat, false},
                      GoldenCase{"reasoning_gpt5", "gpt-5", false, kChat, false},
                      GoldenCase{"reasoning_o3", "o3", true, kChat, false},
                      GoldenCase{"reasoning_both_limits", "o4-mini", false, kChat, false},
                      GoldenCase{"foreign_fields", "gpt-4.1", false, kChat, false},
                      GoldenCase{"stream_usage", "gpt-4o", true, kChat, true},
                      GoldenCase{"stream_no_usage", "gpt-4o", true, kChat, false},
                      GoldenCase{"stream_usage_false", "gpt-4o", true, kChat, false},
                      GoldenCase{"stream_by_hint", "gpt-4o", true, kChat, false}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace

TEST(ChatRequest, OutputIsCompactAndKeepsClientOrder) {
  auto r = convert_chat_request(R"({"z":1, "model":"gpt-4o", "messages":[{"role":"user","content":"hi"}], "a":0.1})",
                                "gpt-4o", false, Settings{});
  EXPECT_EQ(r.body, R"({"z":1,"messages":[{"role":"user","content":"hi"}],"a":0.1})");
}

TEST(ChatRequest, ReasoningRewritesAreLoggedAtDebug) {
  LogCapture logs;
  convert_chat_request(fixture("reasoning_gpt5.request.json"), "gpt-5", false, Settings{});
  ASSERT_EQ(LogCapture::lines().size(), 1u);
  EXPECT_EQ(LogCapture::lines()[0].level, ACP_LOG_DEBUG);
  EXPECT_EQ(LogCapture::lines()[0].text,
            "openai.chat for 'gpt-5': dropped temperature, top_p, presence_penalty, frequency_penalty, logprobs, "
            "top_logprobs, logit_bias (rejected by reasoning models); renamed max_tokens to max_completion_tokens");
}

TEST(ChatRequest, ForeignFieldsAreLoggedAtDebug) {
  LogCapture logs;
  convert_chat_request(fixture("foreign_fields.request.json"), "gpt-4.1", false, Settings{});
  ASSERT_EQ(LogCapture::lines().size(), 1u);
  EXPECT_EQ(LogCapture::lines()[0].text,
            "openai.chat for 'gpt-4.1': dropped top_k, repetition_penalty, min_p, thinking, enable_thinking "
            "(rejected by Azure OpenAI); dropped reasoning_effort (not a reasoning model); dropped stream_options "
            "(only valid with stream: true)");
}

TEST(ChatRequest, NothingLoggedWhenNothingChanged) {
  LogCapture logs;
  convert_chat_request(fixture("chat_tools.request.json"), "gpt-4o", false, Settings{});
  EXPECT_TRUE(LogCapture::lines().empty());
}

TEST(ChatRequest, ReasoningModelKeepsDefaultTemperatureAndDropsNullLimits) {
  auto r = convert_chat_request(
      R"({"messages":[{"role":"user","content":"hi"}],"temperature":1.0,"max_tokens":null,"max_completion_tokens":null})",
      "o1", false, Settings{});
  EXPECT_EQ(r.body, R"({"messages":[{"role":"user","content":"hi"}],"temperature":1.0})");
  // null max_completion_tokens does not overwrite the renamed max_tokens
  r = convert_chat_request(R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":50,"max_completion_tokens":null})",
                           "gpt-5-mini", false, Settings{});
  EXPECT_EQ(r.body, R"({"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":50})");
}

TEST(ChatRequest, NonReasoningModelKeepsSamplingParameters) {
  auto r = convert_chat_request(R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":5,"temperature":0,)"
                                R"("top_p":0.5,"logprobs":true,"top_logprobs":2,"presence_penalty":0.1})",
                                "gpt-4o-mini", false, Settings{});
  EXPECT_EQ(r.body, R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":5,"temperature":0,)"
                    R"("top_p":0.5,"logprobs":true,"top_logprobs":2,"presence_penalty":0.1})");
}

TEST(ChatRequest, ApiVersionFollowsSettings) {
  Settings s = Settings::parse(R"({"api_version":"2024-10-21","api_versions":{"o3":"2025-04-01-preview"}})");
  const char* body = R"({"messages":[{"role":"user","content":"hi"}]})";
  EXPECT_EQ(convert_chat_request(body, "gpt-4o", false, s).target, "/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(convert_chat_request(body, "o3-mini", false, s).target, "/chat/completions?api-version=2025-04-01-preview");
}

TEST(ChatRequest, StreamFalseInBodyWinsOverHint) {
  auto r = convert_chat_request(R"({"messages":[{"role":"user","content":"hi"}],"stream":false})", "gpt-4o", true,
                                Settings{});
  EXPECT_EQ(r.body, R"({"messages":[{"role":"user","content":"hi"}],"stream":false})");
}

TEST(ChatRequest, StreamOptionsNullWhileStreaming) {
  auto r = convert_chat_request(R"({"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":null})",
                                "gpt-4o", true, Settings{});
  EXPECT_EQ(r.body, R"({"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}})");
  EXPECT_FALSE(ResponseContext::decode(r.context).client_include_usage);
}

// ---- invalid input: every case in fixtures/invalid_requests.json -------------------------------

TEST(InvalidRequests, EachFixtureGivesItsMessage) {
  Json cases = fixture_json("invalid_requests.json");
  ASSERT_GT(cases.size(), 30u);
  for (const Json& c : cases) {
    const std::string dialect = c["dialect"], body = c["body"], expected = c["error"];
    try {
      if (dialect == "openai.chat") convert_chat_request(body, "gpt-4o", false, Settings{});
      else aicore::openai::convert_embeddings_request(body, "text-embedding-3-small", Settings{});
      ADD_FAILURE() << "accepted: " << body;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.message, expected) << body;
      EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST) << body;
      EXPECT_EQ(e.type, "invalid_request_error") << body;
      EXPECT_EQ(e.http_status, 400) << body;
    }
  }
}

TEST(InvalidRequests, StreamValidationOnlyWhenStreaming) {
  // stream_options is dropped unread when not streaming, so its shape does not matter then.
  auto r = convert_chat_request(R"({"messages":[{"role":"user","content":"hi"}],"stream_options":"x"})", "gpt-4o",
                                false, Settings{});
  EXPECT_EQ(r.body, R"({"messages":[{"role":"user","content":"hi"}]})");
}

TEST(InvalidRequests, DeepNestingIsRejectedBeforeParsing) {
  std::string body = R"({"messages":[{"role":"user","content":"hi"}],"x":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  try {
    convert_chat_request(body, "gpt-4o", false, Settings{});
    ADD_FAILURE() << "accepted";
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.message, "body: nested deeper than 64 levels");
  }
  // Brackets inside strings do not count.
  std::string ok = R"({"messages":[{"role":"user","content":")" + std::string(1000, '[') + R"("}]})";
  EXPECT_NO_THROW(convert_chat_request(ok, "gpt-4o", false, Settings{}));
}

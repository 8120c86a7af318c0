// The provider class as the SDK thunks drive it: dialect dispatch, context hand-over, errors.
#include "test_support.hpp"

#include "openai/provider.hpp"

using namespace openai_test;
using aicore::openai::OpenAIProvider;

namespace {

struct FakeOut {
  std::string target, method, body, context;
  std::vector<std::pair<std::string, std::string>> headers;
  acp_request_out raw{sizeof(acp_request_out), this,
                      [](void* c, acp_str s) { static_cast<FakeOut*>(c)->target = aicore::view(s); },
                      [](void* c, acp_str s) { static_cast<FakeOut*>(c)->method = aicore::view(s); },
                      [](void* c, acp_str n, acp_str v) {
                        static_cast<FakeOut*>(c)->headers.emplace_back(aicore::view(n), aicore::view(v));
                      },
                      [](void* c, acp_str s) { static_cast<FakeOut*>(c)->body += aicore::view(s); },
                      [](void* c, acp_str s) { static_cast<FakeOut*>(c)->context = aicore::view(s); }};
};

aicore::RequestIn request(std::string_view dialect, std::string_view model, std::string_view body, bool stream) {
  return aicore::RequestIn{dialect, model, model, body, aicore::Headers(nullptr, 0), stream};
}

aicore::ResponseIn response(std::string_view dialect, std::string_view context, int status, std::string_view body) {
  return aicore::ResponseIn{dialect, "gpt-4o", context, status, "application/json", body};
}

}  // namespace

TEST(Provider, DetectAndCandidates) {
  OpenAIProvider p("{}");
  EXPECT_TRUE(p.detect_model("openai/gpt-4o"));
  EXPECT_FALSE(p.detect_model("anthropic--claude-4.5-sonnet"));
  Collect names;
  p.model_candidates("azure/gpt-4o-2024-08-06", names.sink());
  EXPECT_EQ(names.items, (std::vector<std::string>{"azure/gpt-4o-2024-08-06", "gpt-4o-2024-08-06", "gpt-4o"}));
}

TEST(Provider, ChatRoundTripWithStreamContext) {
  OpenAIProvider p("{}");
  FakeOut out;
  p.convert_request(request(ACP_DIALECT_OPENAI_CHAT, "gpt-4o", fixture("stream_usage.request.json"), true),
                    aicore::RequestOut(&out.raw));
  EXPECT_EQ(out.target, "/chat/completions?api-version=2024-12-01-preview");
  EXPECT_TRUE(out.method.empty());   // POST is the host's default
  EXPECT_TRUE(out.headers.empty());  // the host adds auth, resource group and content type
  EXPECT_JSON_EQ(Json::parse(out.body), fixture_json("stream_usage.upstream.json"));
  ASSERT_FALSE(out.context.empty());

  auto conv = p.open_stream(response(ACP_DIALECT_OPENAI_CHAT, out.context, 200, ""));
  Collect events;
  conv->feed(fixture("azure_text.sse"), events.sink());
  conv->finish(events.sink());
  EXPECT_EQ(events.joined(), fixture("text_usage.expected.sse"));
}

TEST(Provider, StreamWithoutClientUsageUsesContext) {
  OpenAIProvider p("{}");
  FakeOut out;
  p.convert_request(request(ACP_DIALECT_OPENAI_CHAT, "gpt-4o", fixture("stream_no_usage.request.json"), true),
                    aicore::RequestOut(&out.raw));
  auto conv = p.open_stream(response(ACP_DIALECT_OPENAI_CHAT, out.context, 200, ""));
  Collect events;
  conv->feed(fixture("azure_tools.sse"), events.sink());
  conv->finish(events.sink());
  EXPECT_EQ(events.joined(), fixture("tools_no_usage.expected.sse"));
}

TEST(Provider, UnknownContextMeansNoUsage) {
  OpenAIProvider p("{}");
  auto conv = p.open_stream(response(ACP_DIALECT_OPENAI_CHAT, "", 200, ""));
  Collect events;
  conv->feed(fixture("azure_text.sse"), events.sink());
  conv->finish(events.sink());
  EXPECT_EQ(events.joined(), fixture("text_no_usage.expected.sse"));
}

TEST(Provider, NonStreamResponsesByDialect) {
  OpenAIProvider p("{}");
  Collect chat, emb;
  p.convert_response(response(ACP_DIALECT_OPENAI_CHAT, "", 200, fixture("chat_response.azure.json")), chat.sink());
  ASSERT_EQ(chat.items.size(), 1u);
  EXPECT_JSON_EQ(Json::parse(chat.items[0]), fixture_json("chat_response.expected.json"));
  p.convert_response(response(ACP_DIALECT_OPENAI_EMBEDDINGS, "", 200, fixture("embeddings.azure.json")), emb.sink());
  EXPECT_EQ(emb.joined(), fixture("embeddings.azure.json"));
}

TEST(Provider, EmbeddingsRequest) {
  OpenAIProvider p(R"({"embeddings_api_version":"2024-02-01"})");
  FakeOut out;
  p.convert_request(request(ACP_DIALECT_OPENAI_EMBEDDINGS, "text-embedding-3-small",
                            fixture("embeddings_strings.request.json"), false),
                    aicore::RequestOut(&out.raw));
  EXPECT_EQ(out.target, "/embeddings?api-version=2024-02-01");
  EXPECT_JSON_EQ(Json::parse(out.body), fixture_json("embeddings_strings.upstream.json"));
}

TEST(Provider, ReasoningDecidedByConfiguredKeyNotClientName) {
  OpenAIProvider p("{}");
  FakeOut out;
  // The client calls its alias "fast"; the host resolved it to the configured key o4-mini.
  aicore::RequestIn in{ACP_DIALECT_OPENAI_CHAT, "fast", "o4-mini",
                       R"({"model":"fast","messages":[{"role":"user","content":"hi"}],"max_tokens":9})",
                       aicore::Headers(nullptr, 0), false};
  p.convert_request(in, aicore::RequestOut(&out.raw));
  EXPECT_EQ(out.body, R"({"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":9})");
}

TEST(Provider, UnknownDialectsAreUnsupported) {
  OpenAIProvider p("{}");
  FakeOut out;
  for (const char* d : {"something.else"}) {
    try {
      p.convert_request(request(d, "gpt-4o", R"({"messages":[]})", false), aicore::RequestOut(&out.raw));
      ADD_FAILURE() << d;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_UNSUPPORTED) << d;
      EXPECT_NE(e.message.find(d), std::string::npos) << e.message;
    }
    EXPECT_THROW(p.open_stream(response(d, "", 200, "")), aicore::PluginError);
  }
  EXPECT_THROW(p.open_stream(response(ACP_DIALECT_OPENAI_EMBEDDINGS, "", 200, "")), aicore::PluginError);
}

TEST(Provider, BadSettingsThrowConfigError) {
  try {
    OpenAIProvider p(R"({"api_version": 5})");
    ADD_FAILURE();
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_CONFIG);
    EXPECT_EQ(e.message, "api_version: must be a string");
  }
}

TEST(Provider, ClassifyError) {
  OpenAIProvider p("{}");
  auto classify = [&](int status, std::string_view body, std::string* message = nullptr) {
    Collect m;
    auto c = p.classify_error(response(ACP_DIALECT_OPENAI_CHAT, "", status, body), m.sink());
    if (message) *message = m.joined();
    else EXPECT_TRUE(m.items.empty()) << status;
    return c;
  };
  EXPECT_EQ(classify(429, "Your request has been rate limited by AI Core"), ACP_UPSTREAM_RETRY);
  EXPECT_EQ(classify(500, R"({"error":{"message":"boom"}})"), ACP_UPSTREAM_RETRY);
  EXPECT_EQ(classify(502, ""), ACP_UPSTREAM_RETRY);
  EXPECT_EQ(classify(503, "<html></html>"), ACP_UPSTREAM_RETRY);
  EXPECT_EQ(classify(504, ""), ACP_UPSTREAM_RETRY);
  EXPECT_EQ(classify(401, R"({"error":"invalid_token"})"), ACP_UPSTREAM_REAUTH);
  EXPECT_EQ(classify(403, R"({"error":{"message":"Jwt issuer is not configured"}})"), ACP_UPSTREAM_REAUTH);

  std::string msg;
  EXPECT_EQ(classify(400,
                     R"({"error":{"code":null,"message":"Unsupported parameter: 'max_tokens' is not supported with this model.",)"
                     R"("param":"max_tokens","type":"invalid_request_error"}})",
                     &msg),
            ACP_UPSTREAM_FATAL);
  EXPECT_EQ(msg, "Unsupported parameter: 'max_tokens' is not supported with this model.");
  EXPECT_EQ(classify(404, R"({"error":{"code":"404","message":"Resource not found"}})", &msg), ACP_UPSTREAM_FATAL);
  EXPECT_EQ(msg, "Resource not found");
  EXPECT_EQ(classify(400, R"({"message":"ValidationException: bad"})", &msg), ACP_UPSTREAM_FATAL);
  EXPECT_EQ(msg, "ValidationException: bad");
  // Without a readable message nothing is written; the host keeps its own.
  EXPECT_EQ(classify(400, "not json"), ACP_UPSTREAM_FATAL);
  EXPECT_EQ(classify(400, R"({"error":{"message":42}})"), ACP_UPSTREAM_FATAL);
  EXPECT_EQ(classify(400, ""), ACP_UPSTREAM_FATAL);
  EXPECT_EQ(classify(413, std::string(1000, '[')), ACP_UPSTREAM_FATAL);
}

// The anthropic.messages and anthropic.count_tokens dialects on GPT: request through the mapping and
// the GPT rules, response and stream back to Anthropic's shapes (no Azure quirk leaks), count_tokens
// answered locally. OPENAI_UPDATE_GOLDEN=1 rewrites this file's expected fixtures.
#include "test_support.hpp"

#include "openai/anthropic_messages.hpp"
#include "openai/provider.hpp"

#include <cstdlib>

using namespace openai_test;
using aicore::openai::AnthropicContext;
using aicore::openai::AnthropicStreamConverter;
using aicore::openai::convert_anthropic_request;
using aicore::openai::max_output_tokens;
using aicore::openai::OpenAIProvider;
using aicore::openai::Settings;

namespace {

bool updating() {
  const char* v = std::getenv("OPENAI_UPDATE_GOLDEN");
  return v && *v && std::string(v) != "0";
}

void golden_json(const Json& actual, const std::string& name) {
  if (updating()) {
    std::ofstream(std::string(OPENAI_FIXTURE_DIR) + "/" + name) << actual.dump(2) << "\n";
    return;
  }
  EXPECT_JSON_EQ(actual, fixture_json(name));
}

void golden_text(const std::string& actual, const std::string& name) {
  if (updating()) {
    std::ofstream(std::string(OPENAI_FIXTURE_DIR) + "/" + name, std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(actual, fixture(name));
}

struct StreamResult {
  std::vector<std::string> events;
  std::string error;
  bool operator==(const StreamResult&) const = default;
};
void PrintTo(const StreamResult& r, std::ostream* os) {
  for (const auto& e : r.events) *os << e;
  *os << "error: " << r.error;
}

StreamResult run(const std::vector<std::string_view>& pieces, const AnthropicContext& ctx = {"claude-sonnet-4-5", 42}) {
  AnthropicStreamConverter c(ctx);
  Collect out;
  StreamResult r;
  try {
    for (auto p : pieces) c.feed(p, out.sink());
    c.finish(out.sink());
  } catch (const aicore::PluginError& e) {
    r.error = e.message;
  }
  r.events = out.items;
  return r;
}

struct FakeOut {
  std::string target, body, context, responded;
  int status = 0;
  acp_request_out raw{sizeof(acp_request_out), this,
                      [](void* c, acp_str s) { static_cast<FakeOut*>(c)->target = aicore::view(s); },
                      nullptr,
                      nullptr,
                      [](void* c, acp_str s) { static_cast<FakeOut*>(c)->body += aicore::view(s); },
                      [](void* c, acp_str s) { static_cast<FakeOut*>(c)->context = aicore::view(s); },
                      [](void* c, int32_t st, acp_str b) {
                        static_cast<FakeOut*>(c)->status = st;
                        static_cast<FakeOut*>(c)->responded = aicore::view(b);
                      }};
};

aicore::RequestIn request(std::string_view dialect, std::string_view client_model, std::string_view model,
                          std::string_view body, bool stream) {
  return aicore::RequestIn{dialect, client_model, model, body, aicore::Headers(nullptr, 0), stream};
}

}  // namespace

TEST(AnthropicMessages, StreamingClaudeCodeStyleRequestForGpt4o) {
  auto r = convert_anthropic_request(fixture("anthropic_stream.request.json"), {"gpt-4o", "claude-sonnet-4-5-20250929"},
                                     true, Settings{});
  EXPECT_EQ(r.target, "/chat/completions?api-version=2024-12-01-preview");
  golden_json(Json::parse(r.body), "anthropic_stream.upstream.json");
  Json sent = Json::parse(r.body);
  EXPECT_EQ(sent["max_tokens"], 16384);                      // clamped to gpt-4o's output limit
  EXPECT_FALSE(sent.contains("reasoning_effort"));           // gpt-4o is no reasoning model
  EXPECT_EQ(sent["stream_options"]["include_usage"], true);  // always asked upstream
  AnthropicContext ctx = AnthropicContext::decode(r.context);
  EXPECT_EQ(ctx.model, "claude-sonnet-4-5-20250929");
  EXPECT_GT(ctx.input_tokens, 0);
}

TEST(AnthropicMessages, ReasoningModelRules) {
  auto r = convert_anthropic_request(fixture("anthropic_gpt5.request.json"), {"gpt-5", "gpt-5"}, false, Settings{});
  golden_json(Json::parse(r.body), "anthropic_gpt5.upstream.json");
  Json sent = Json::parse(r.body);
  EXPECT_EQ(sent["max_completion_tokens"], 128000);
  EXPECT_EQ(sent["reasoning_effort"], "high");
  EXPECT_FALSE(sent.contains("stop"));
  EXPECT_FALSE(sent.contains("temperature"));
  EXPECT_FALSE(sent.contains("top_p"));
}

TEST(AnthropicMessages, InvalidBodiesAreInvalidRequests) {
  for (auto [body, msg] : std::vector<std::pair<const char*, const char*>>{
           {"", "body: empty"},
           {"[1]", "body: must be a JSON object"},
           {"{\"max_tokens\":5}", "messages: required"},
           {R"({"messages":[{"role":"user","content":[{"type":"tool_result"}]}]})", "messages[0].content[0].tool_use_id: required"}}) {
    try {
      convert_anthropic_request(body, {"gpt-4o", "m"}, false, Settings{});
      ADD_FAILURE() << body;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST);
      EXPECT_EQ(e.message, msg);
    }
  }
}

TEST(AnthropicMessages, ResponseBecomesAnAnthropicMessage) {
  OpenAIProvider p("{}");
  Collect out;
  const std::string ctx = AnthropicContext{"claude-x", 7}.encode();
  p.convert_response(aicore::ResponseIn{ACP_DIALECT_ANTHROPIC_MESSAGES, "o3", ctx, 200, "application/json",
                                        fixture("chat_response_tools.azure.json")},
                     out.sink());
  Json msg = Json::parse(out.joined());
  golden_json(msg, "anthropic_response_tools.expected.json");
  EXPECT_EQ(msg["model"], "claude-x");
  EXPECT_EQ(out.joined().find("content_filter"), std::string::npos);
  EXPECT_EQ(out.joined().find("prompt_filter"), std::string::npos);
  EXPECT_THROW(p.convert_response(aicore::ResponseIn{ACP_DIALECT_ANTHROPIC_MESSAGES, "o3", ctx, 200, "", "{bad"}, out.sink()),
               aicore::PluginError);
}

TEST(AnthropicMessages, ContextRoundTrip) {
  AnthropicContext c{"odd;name=with;semicolons", 1234};
  AnthropicContext d = AnthropicContext::decode(c.encode());
  EXPECT_EQ(d.model, c.model);
  EXPECT_EQ(d.input_tokens, 1234);
  EXPECT_EQ(AnthropicContext::decode("openai.v1;usage=1").model, "");
  EXPECT_EQ(AnthropicContext::decode("").input_tokens, 0);
}

TEST(AnthropicMessages, OutputLimits) {
  EXPECT_EQ(max_output_tokens("gpt-4o"), 16384);
  EXPECT_EQ(max_output_tokens("azure/gpt-4o-mini"), 16384);
  EXPECT_EQ(max_output_tokens("gpt-4.1-nano"), 32768);
  EXPECT_EQ(max_output_tokens("GPT-5-mini"), 128000);
  EXPECT_EQ(max_output_tokens("o1-mini"), 65536);
  EXPECT_EQ(max_output_tokens("o4-mini"), 100000);
  EXPECT_EQ(max_output_tokens("gpt-35-turbo"), 4096);
  EXPECT_EQ(max_output_tokens("mystery-model"), 0);
}

// ---- streams -----------------------------------------------------------------------------------

struct Transcript {
  const char* upstream;
  const char* expected;
};
void PrintTo(const Transcript& t, std::ostream* os) { *os << t.expected; }

class AnthropicStream : public ::testing::TestWithParam<Transcript> {};

TEST_P(AnthropicStream, WholeMatchesGoldenAndNoAzureQuirkLeaks) {
  StreamResult r = run({fixture(GetParam().upstream)});
  std::string all;
  for (const auto& e : r.events) all += e;
  golden_text(all, GetParam().expected);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(all.find("content_filter"), std::string::npos);
  EXPECT_EQ(all.find("prompt_filter"), std::string::npos);
  EXPECT_EQ(all.find("[DONE]"), std::string::npos);
  EXPECT_EQ(all.find("chatcmpl-"), std::string::npos);
  for (const auto& e : r.events) {
    ASSERT_TRUE(e.starts_with("event: ")) << e;
    ASSERT_TRUE(e.ends_with("\n\n")) << e;
  }
}

TEST_P(AnthropicStream, EverySplitOffsetGivesTheSameEvents) {
  const std::string in = fixture(GetParam().upstream);
  const StreamResult want = run({in});
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < in.size(); ++i) bytes.push_back(std::string_view(in).substr(i, 1));
  EXPECT_EQ(run(bytes), want);
  for (size_t k = 0; k <= in.size(); ++k)
    ASSERT_EQ(run({std::string_view(in).substr(0, k), std::string_view(in).substr(k)}), want) << "split at byte " << k;
}

INSTANTIATE_TEST_SUITE_P(Transcripts, AnthropicStream,
                         ::testing::Values(Transcript{"azure_text.sse", "anthropic_text.expected.sse"},
                                           Transcript{"azure_tools.sse", "anthropic_tools.expected.sse"},
                                           Transcript{"azure_error.sse", "anthropic_error.expected.sse"}),
                         [](const auto& info) {
                           std::string n = info.param.expected;
                           return n.substr(0, n.find('.'));
                         });

TEST(AnthropicStreamEnds, TruncatedUpstreamThrowsForTheHostToEndTheStream) {
  std::string in = fixture("azure_text.sse");
  in = in.substr(0, in.find("\"finish_reason\":\"stop\"") - 40);  // cut inside the finish chunk
  StreamResult r = run({in});
  EXPECT_EQ(r.error, "upstream stream ended before finish_reason");
  ASSERT_FALSE(r.events.empty());
  EXPECT_TRUE(r.events[0].starts_with("event: message_start\n"));
  for (const auto& e : r.events) EXPECT_EQ(e.find("message_stop"), std::string::npos);
}

TEST(AnthropicStreamEnds, MissingDoneAfterTheUsageChunkStillEndsCleanly) {
  std::string in = fixture("azure_text.sse");
  in = in.substr(0, in.find("data: [DONE]"));
  StreamResult r = run({in});
  EXPECT_EQ(r.error, "");
  ASSERT_FALSE(r.events.empty());
  EXPECT_EQ(r.events.back(), "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
}

TEST(AnthropicStreamEnds, UsageForTheHostLog) {
  AnthropicStreamConverter c({"m", 1});
  Collect out;
  c.feed(fixture("azure_tools.sse"), out.sink());
  c.finish(out.sink());
  int64_t p = 0, k = 0;
  c.usage(p, k);
  EXPECT_EQ(p, 52);
  EXPECT_EQ(k, 38);
}

// ---- through the provider ----------------------------------------------------------------------

TEST(AnthropicProvider, MessagesRoundTripWithStreamContext) {
  OpenAIProvider p("{}");
  FakeOut out;
  p.convert_request(request(ACP_DIALECT_ANTHROPIC_MESSAGES, "claude-sonnet-4-5-20250929", "gpt-4o",
                            fixture("anthropic_stream.request.json"), true),
                    aicore::RequestOut(&out.raw));
  EXPECT_EQ(out.target, "/chat/completions?api-version=2024-12-01-preview");
  EXPECT_EQ(out.status, 0);  // not answered locally
  auto conv = p.open_stream(aicore::ResponseIn{ACP_DIALECT_ANTHROPIC_MESSAGES, "gpt-4o", out.context, 200, "text/event-stream", ""});
  Collect events;
  conv->feed(fixture("azure_tools.sse"), events.sink());
  conv->finish(events.sink());
  ASSERT_FALSE(events.items.empty());
  Json start = Json::parse(events.items[0].substr(events.items[0].find("data: ") + 6));
  EXPECT_EQ(start["message"]["model"], "claude-sonnet-4-5-20250929");
  EXPECT_GT(start["message"]["usage"]["input_tokens"].get<int64_t>(), 0);  // the estimate until Azure counts
}

TEST(AnthropicProvider, CountTokensIsAnsweredLocally) {
  OpenAIProvider p("{}");
  FakeOut out;
  const char* body = R"({"model":"gpt-4o","messages":[{"role":"user","content":"Hello there"}]})";
  p.convert_request(request(ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, "gpt-4o", "gpt-4o", body, false), aicore::RequestOut(&out.raw));
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.responded, R"({"input_tokens":7})");
  EXPECT_TRUE(out.target.empty());
  EXPECT_TRUE(out.body.empty());

  // More text never counts less.
  FakeOut longer;
  p.convert_request(request(ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, "gpt-4o", "gpt-4o",
                            R"({"model":"gpt-4o","system":"Be brief.","messages":[{"role":"user","content":"Hello there, a much longer question"}]})", false),
                    aicore::RequestOut(&longer.raw));
  EXPECT_GT(Json::parse(longer.responded)["input_tokens"].get<int64_t>(), 7);
}

TEST(AnthropicProvider, CountTokensErrors) {
  OpenAIProvider p("{}");
  FakeOut out;
  for (auto [body, msg] : std::vector<std::pair<const char*, const char*>>{
           {"{", "body: invalid JSON at byte 2"}, {"{}", "messages: required"}, {R"({"messages":{}})", "messages: must be an array"}}) {
    try {
      p.convert_request(request(ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, "gpt-4o", "gpt-4o", body, false), aicore::RequestOut(&out.raw));
      ADD_FAILURE() << body;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST);
      EXPECT_EQ(e.message, msg);
    }
  }
  // A host without respond(): said plainly instead of calling the upstream.
  FakeOut old;
  old.raw.struct_size = offsetof(acp_request_out, respond);
  try {
    p.convert_request(request(ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, "gpt-4o", "gpt-4o", R"({"messages":[]})", false),
                      aicore::RequestOut(&old.raw));
    ADD_FAILURE();
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_UNSUPPORTED);
  }
}

// The provider as the host drives it: dialect dispatch, targets, contexts, local count_tokens,
// byte-exact response pass-through, error classification.
#include "test_support.hpp"

#include "claude/context.hpp"
#include "claude/provider.hpp"

using namespace claude_test;
using namespace aicore::claude;

namespace {

struct Captured {
  std::string target, body, context;
  int status = 0;
  std::string local;
  std::vector<std::pair<std::string, std::string>> headers;
  acp_request_out raw{sizeof(acp_request_out), this,
                      [](void* c, acp_str s) { static_cast<Captured*>(c)->target = aicore::view(s); },
                      nullptr,
                      [](void* c, acp_str n, acp_str v) {
                        static_cast<Captured*>(c)->headers.emplace_back(aicore::view(n), aicore::view(v));
                      },
                      [](void* c, acp_str s) { static_cast<Captured*>(c)->body += aicore::view(s); },
                      [](void* c, acp_str s) { static_cast<Captured*>(c)->context = aicore::view(s); },
                      [](void* c, int32_t status, acp_str b) {
                        static_cast<Captured*>(c)->status = status;
                        static_cast<Captured*>(c)->local = aicore::view(b);
                      }};
  aicore::RequestOut out() { return aicore::RequestOut(&raw); }
};

Captured request(const ClaudeProvider& p, std::string_view dialect, const std::string& body, bool stream = false,
                 std::vector<acp_header> headers = {}, std::string_view client_model = "claude-sonnet-4-5",
                 std::string_view model = "anthropic--claude-4.5-sonnet") {
  Captured c;
  aicore::RequestIn in{dialect, client_model, model, body, aicore::Headers(headers.data(), headers.size()), stream};
  p.convert_request(in, c.out());
  return c;
}

aicore::ResponseIn response(std::string_view dialect, std::string_view context, int status, std::string_view body) {
  return aicore::ResponseIn{dialect, "anthropic--claude-4.5-sonnet", context, status, "application/json", body};
}

acp_str s(std::string_view v) { return aicore::str(v); }

}  // namespace

TEST(Provider, DetectAndCandidates) {
  ClaudeProvider p("{}");
  EXPECT_TRUE(p.detect_model("anthropic--claude-4.5-sonnet"));
  EXPECT_TRUE(p.detect_model("4.5-sonnet"));
  EXPECT_FALSE(p.detect_model("gpt-4o"));
  Collect names;
  p.model_candidates("claude-sonnet-4-5-20250929", names.sink());
  EXPECT_EQ(names.items.at(0), "claude-sonnet-4-5-20250929");
  EXPECT_EQ(names.items.at(1), "anthropic--claude-4.5-sonnet");  // the lower-case form is the same
}

TEST(Provider, MessagesToInvokeWithBetasFromHeaders) {
  LogCapture logs;
  ClaudeProvider p("{}");
  auto c = request(p, ACP_DIALECT_ANTHROPIC_MESSAGES, fixture("claude_code.request.json"), true,
                   {acp_header{s("anthropic-version"), s("2023-06-01")},
                    acp_header{s("anthropic-beta"), s("claude-code-20250219,interleaved-thinking-2025-05-14,"
                                                      "context-management-2025-06-27,prompt-caching-scope-2026-01-05,"
                                                      "mid-conversation-system-2025-01-01,effort-2025-11-24")},
                    acp_header{s("anthropic-beta"), s("context-1m-2025-08-07")}});
  EXPECT_EQ(c.target, "/invoke-with-response-stream");
  EXPECT_JSON_EQ(Json::parse(c.body), fixture_json("claude_code.bedrock.json"));
  EXPECT_TRUE(c.headers.empty());  // mode A: no special Accept header
  ResponseContext ctx = ResponseContext::decode(c.context);
  EXPECT_EQ(ctx.api, Api::Invoke);
  EXPECT_EQ(ctx.client_model, "claude-sonnet-4-5");
  ASSERT_EQ(LogCapture::lines().size(), 2u);
  EXPECT_EQ(LogCapture::lines()[0].text.rfind("anthropic.messages for 'anthropic--claude-4.5-sonnet': dropped claude-code-20250219", 0), 0u)
      << LogCapture::lines()[0].text;
  EXPECT_EQ(LogCapture::lines()[1].level, ACP_LOG_WARN);
}

TEST(Provider, StreamFlagFromBodyOrHint) {
  ClaudeProvider p("{}");
  const std::string body = R"({"model":"x","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})";
  EXPECT_EQ(request(p, ACP_DIALECT_ANTHROPIC_MESSAGES, body, false).target, "/invoke");
  EXPECT_EQ(request(p, ACP_DIALECT_ANTHROPIC_MESSAGES, body, true).target, "/invoke-with-response-stream");
  EXPECT_EQ(request(p, ACP_DIALECT_ANTHROPIC_MESSAGES,
                    R"({"stream":false,"max_tokens":5,"messages":[{"role":"user","content":"hi"}]})", true)
                .target,
            "/invoke");
}

TEST(Provider, ConversePathPerModel) {
  ClaudeProvider p(R"({"apis":{"anthropic--claude-3.7-sonnet":"converse"}})");
  const std::string body = fixture("plain.request.json");
  auto c = request(p, ACP_DIALECT_ANTHROPIC_MESSAGES, body, true, {}, "claude-3-7-sonnet", "anthropic--claude-3.7-sonnet");
  EXPECT_EQ(c.target, "/converse-stream");
  EXPECT_EQ(Json::parse(c.body),
            Json::parse(R"({"system":[{"text":"Be brief."}],"messages":[{"role":"user","content":[{"text":"Hello, Claude"}]}],
                          "inferenceConfig":{"maxTokens":1024,"temperature":0.7,"topP":0.9,"stopSequences":["\n\nHuman:"]},
                          "additionalModelRequestFields":{"top_k":40}})"));
  EXPECT_EQ(ResponseContext::decode(c.context).api, Api::Converse);
  EXPECT_EQ(request(p, ACP_DIALECT_ANTHROPIC_MESSAGES, body, false, {}, "x", "anthropic--claude-3.7-sonnet").target, "/converse");
  EXPECT_EQ(request(p, ACP_DIALECT_ANTHROPIC_MESSAGES, body, false, {}, "x", "anthropic--claude-4.5-sonnet").target, "/invoke");
}

TEST(Provider, CountTokensAnswersLocally) {
  ClaudeProvider p("{}");
  auto small = request(p, ACP_DIALECT_ANTHROPIC_COUNT_TOKENS,
                       R"({"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"Hello"}]})");
  EXPECT_EQ(small.status, 200);
  EXPECT_TRUE(small.target.empty());
  EXPECT_TRUE(small.body.empty());
  Json j = Json::parse(small.local);
  ASSERT_TRUE(j["input_tokens"].is_number_integer());
  EXPECT_GT(j["input_tokens"].get<int64_t>(), 0);
  auto big = request(p, ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, fixture("claude_code.request.json"));
  EXPECT_GT(Json::parse(big.local)["input_tokens"].get<int64_t>(), j["input_tokens"].get<int64_t>());
}

TEST(Provider, CountTokensWithoutRespondIsUnsupported) {
  ClaudeProvider p("{}");
  Captured c;
  c.raw.struct_size = offsetof(acp_request_out, respond);  // an older host
  const std::string body = R"({"messages":[{"role":"user","content":"Hello"}]})";
  aicore::RequestIn in{ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, "m", "m", body, aicore::Headers(nullptr, 0), false};
  try {
    p.convert_request(in, c.out());
    ADD_FAILURE();
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_UNSUPPORTED);
  }
}

TEST(Provider, InvokeResponseIsForwardedByteForByte) {
  ClaudeProvider p("{}");
  const std::string body =
      R"({"id":"msg_bdrk_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",  "content":[{"type":"thinking","thinking":"hm","signature":"EqQB+/=="},{"type":"text","text":"Hi \u00e9"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1.0e1,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":2}})";
  Collect out;
  ResponseContext ctx;
  p.convert_response(response(ACP_DIALECT_ANTHROPIC_MESSAGES, ctx.encode(), 200, body), out.sink());
  EXPECT_EQ(out.joined(), body);
  for (const char* bad : {"", "[1]", "{nope"}) {
    Collect o;
    try {
      p.convert_response(response(ACP_DIALECT_ANTHROPIC_MESSAGES, ctx.encode(), 200, bad), o.sink());
      ADD_FAILURE() << bad;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_UPSTREAM);
    }
  }
}

TEST(Provider, ConverseResponseBecomesAnAnthropicMessage) {
  ClaudeProvider p("{}");
  ResponseContext ctx;
  ctx.api = Api::Converse;
  ctx.client_model = "claude-sonnet-4-5";
  Collect out;
  p.convert_response(response(ACP_DIALECT_ANTHROPIC_MESSAGES, ctx.encode(), 200, fixture("converse_response.converse.json")), out.sink());
  Json j = Json::parse(out.joined());
  Json want = fixture_json("converse_response.anthropic.json");
  EXPECT_TRUE(j["id"].get<std::string>().starts_with("msg_bdrk_"));
  j.erase("id");
  want.erase("id");
  EXPECT_JSON_EQ(j, want);
}

TEST(Provider, ClassifyError) {
  ClaudeProvider p("{}");
  auto cls = [&](int status, std::string_view body, std::string* msg = nullptr) {
    Collect m;
    acp_error_class c = p.classify_error(response(ACP_DIALECT_ANTHROPIC_MESSAGES, "", status, body), m.sink());
    if (msg) *msg = m.joined();
    return c;
  };
  EXPECT_EQ(cls(429, R"({"message":"Too many tokens, please wait before trying again."})"), ACP_UPSTREAM_RETRY);
  EXPECT_EQ(cls(500, "{}"), ACP_UPSTREAM_RETRY);
  EXPECT_EQ(cls(503, ""), ACP_UPSTREAM_RETRY);
  EXPECT_EQ(cls(408, ""), ACP_UPSTREAM_RETRY);
  EXPECT_EQ(cls(400, R"({"message":"ThrottlingException: rate exceeded"})"), ACP_UPSTREAM_RETRY);
  EXPECT_EQ(cls(401, R"({"error":{"code":"401","message":"Jwt is expired"}})"), ACP_UPSTREAM_REAUTH);
  EXPECT_EQ(cls(403, ""), ACP_UPSTREAM_REAUTH);
  std::string m;
  EXPECT_EQ(cls(400, R"({"message":"messages.1.content.0: Extra inputs are not permitted"})", &m), ACP_UPSTREAM_FATAL);
  EXPECT_EQ(m, "messages.1.content.0: Extra inputs are not permitted");
  EXPECT_EQ(cls(404, R"({"error":{"code":"404","message":"Resource not found"}})", &m), ACP_UPSTREAM_FATAL);
  EXPECT_EQ(m, "Resource not found");
  EXPECT_EQ(cls(400, R"({"type":"error","error":{"type":"invalid_request_error","message":"bad"}})", &m), ACP_UPSTREAM_FATAL);
  EXPECT_EQ(m, "bad");
  EXPECT_EQ(cls(400, "not json", &m), ACP_UPSTREAM_FATAL);
  EXPECT_EQ(m, "");
}

TEST(Provider, BadClientBodiesAre400s) {
  ClaudeProvider p("{}");
  for (const char* b : {"", "[]", "{", R"({"max_tokens":5,"messages":[],"stream":"yes"})"}) {
    try {
      request(p, ACP_DIALECT_ANTHROPIC_MESSAGES, b);
      ADD_FAILURE() << b;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST) << b;
      EXPECT_EQ(e.http_status, 400);
    }
  }
  try {
    request(p, ACP_DIALECT_OPENAI_EMBEDDINGS, R"({"input":"x"})");
    ADD_FAILURE();
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_UNSUPPORTED);
  }
}

// openai.chat goes through the shared mapping, then the same Bedrock rules.
TEST(Provider, OpenAIChatBecomesABedrockBody) {
  ClaudeProvider p(R"({"default_max_tokens":1000})");
  auto c = request(p, ACP_DIALECT_OPENAI_CHAT,
                   R"({"model":"claude-sonnet-4-5","stream":true,"stream_options":{"include_usage":true},
                       "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"temperature":0.2})",
                   false);
  EXPECT_EQ(c.target, "/invoke-with-response-stream");
  Json b = Json::parse(c.body);
  EXPECT_EQ(b["anthropic_version"], "bedrock-2023-05-31");
  EXPECT_EQ(b["max_tokens"], 1000);
  EXPECT_FALSE(b.contains("model"));
  EXPECT_FALSE(b.contains("stream"));
  EXPECT_EQ(b["messages"].back()["role"], "user");
  ResponseContext ctx = ResponseContext::decode(c.context);
  EXPECT_TRUE(ctx.include_usage);
  EXPECT_EQ(ctx.client_model, "claude-sonnet-4-5");
}

TEST(Provider, OpenAIChatResponseAndStream) {
  LogCapture logs;  // fixed clock for "created"
  ClaudeProvider p("{}");
  ResponseContext ctx;
  ctx.client_model = "claude-sonnet-4-5";
  const std::string msg =
      R"({"id":"msg_bdrk_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Hi"},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":3}})";
  Collect out;
  p.convert_response(response(ACP_DIALECT_OPENAI_CHAT, ctx.encode(), 200, msg), out.sink());
  Json j = Json::parse(out.joined());
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["model"], "claude-sonnet-4-5");
  EXPECT_EQ(j["choices"][0]["finish_reason"], "tool_calls");
  EXPECT_EQ(j["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"], R"({"city":"Paris"})");

  ctx.include_usage = true;
  auto conv = p.open_stream(response(ACP_DIALECT_OPENAI_CHAT, ctx.encode(), 200, ""));
  Collect ev;
  const std::string sse = fixture("bedrock_tools.sse");
  for (size_t i = 0; i < sse.size(); i += 7) conv->feed(std::string_view(sse).substr(i, 7), ev.sink());
  conv->finish(ev.sink());
  ASSERT_FALSE(ev.items.empty());
  EXPECT_EQ(ev.items.back(), "data: [DONE]\n\n");
  std::string args;
  for (const auto& e : ev.items) {
    if (e == "data: [DONE]\n\n") continue;
    Json chunk = Json::parse(e.substr(6));
    for (const Json& ch : chunk["choices"])
      if (ch["delta"].contains("tool_calls"))
        for (const Json& tc : ch["delta"]["tool_calls"])
          if (tc.contains("function") && tc["function"].contains("arguments")) args += tc["function"]["arguments"].get<std::string>();
  }
  EXPECT_EQ(Json::parse(args), Json::parse(R"({"city":"Paris","days":3})"));
  int64_t pt = 0, ct = 0;
  conv->usage(pt, ct);
  EXPECT_EQ(ct, 89);
}

// OpenAI chat -> Bedrock body, end to end (the shared mapping, then this plugin's Bedrock rules).
TEST(Provider, OpenAIChatGoldens) {
  ClaudeProvider p("{}");
  for (const char* name : {"chat_tools", "chat_reasoning"}) {
    auto c = request(p, ACP_DIALECT_OPENAI_CHAT, fixture(std::string(name) + ".openai.json"));
    EXPECT_JSON_EQ(Json::parse(c.body), fixture_json(std::string(name) + ".bedrock.json"));
  }
  // The json_schema tool is remembered for the response side.
  EXPECT_TRUE(ResponseContext::decode(request(p, ACP_DIALECT_OPENAI_CHAT, fixture("chat_reasoning.openai.json")).context).json_tool);
  EXPECT_FALSE(ResponseContext::decode(request(p, ACP_DIALECT_OPENAI_CHAT, fixture("chat_tools.openai.json")).context).json_tool);
}

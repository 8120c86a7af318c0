// The built module (build/plugins/claude.so) through its C ABI, exactly as the host loads it.
#include "test_support.hpp"

#include <dlfcn.h>

#include "support/abi_support.hpp"

using namespace claude_test;
using namespace plugin_test::abi;

TEST(PluginModule, EntryDescriptorAndAFullStream) {
  void* h = dlopen(CLAUDE_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(h, nullptr) << dlerror();
  auto entry = reinterpret_cast<acp_plugin_entry_fn>(dlsym(h, ACP_PLUGIN_ENTRY_SYMBOL));
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(dlsym(h, "_ZN6aicore6claude15is_claude_modelESt17basic_string_viewIcSt11char_traitsIcEE"), nullptr);

  const acp_plugin_descriptor* d = entry(good_host());
  ASSERT_NE(d, nullptr);
  EXPECT_STREQ(d->name, "claude");
  ASSERT_EQ(d->interface_count, 1u);
  EXPECT_STREQ(d->interfaces[0].name, ACP_IFACE_PROVIDER_V1);
  auto* t = static_cast<const acp_provider_v1*>(d->interfaces[0].table);
  for (auto fn : {(void*)t->create, (void*)t->destroy, (void*)t->detect_model, (void*)t->model_candidates,
                  (void*)t->convert_request, (void*)t->convert_response, (void*)t->stream_open, (void*)t->stream_feed,
                  (void*)t->stream_finish, (void*)t->stream_close, (void*)t->classify_error, (void*)t->stream_usage})
    EXPECT_NE(fn, nullptr);

  ErrorSink err;
  acp_adapter* a = nullptr;
  EXPECT_EQ(t->create(s(R"({"api":"grpc"})"), &a, &err.raw), ACP_ERR_CONFIG);
  EXPECT_EQ(err.message, "api: must be \"invoke\" or \"converse\"");
  ASSERT_EQ(t->create(s("{}"), &a, &err.raw), ACP_OK);
  EXPECT_EQ(t->detect_model(a, s("anthropic--claude-4.5-sonnet")), 1);
  EXPECT_EQ(t->detect_model(a, s("gpt-4o")), 0);

  const std::string body = fixture("plain.request.json");
  acp_request_in in{sizeof(acp_request_in), s(ACP_DIALECT_ANTHROPIC_MESSAGES), s("claude-3-7-sonnet"),
                    s("anthropic--claude-3.7-sonnet"), s(body), nullptr, 0, 1};
  Out out;
  ASSERT_EQ(t->convert_request(a, &in, &out.raw, &err.raw), ACP_OK) << err.message;
  EXPECT_EQ(out.target, "/invoke-with-response-stream");
  EXPECT_JSON_EQ(Json::parse(out.body), fixture_json("plain.bedrock.json"));

  acp_response_in rin{sizeof(acp_response_in), s(ACP_DIALECT_ANTHROPIC_MESSAGES), s("anthropic--claude-3.7-sonnet"),
                      s(out.context), 200, s("text/event-stream"), s("")};
  acp_stream* st = nullptr;
  ASSERT_EQ(t->stream_open(a, &rin, &st, &err.raw), ACP_OK);
  const std::string sse = fixture("bedrock_text.sse");
  Collect events;
  EXPECT_EQ(t->stream_feed(st, s(std::string_view(sse).substr(0, 333)), &events.raw, &err.raw), ACP_OK);
  EXPECT_EQ(t->stream_feed(st, s(std::string_view(sse).substr(333)), &events.raw, &err.raw), ACP_OK);
  EXPECT_EQ(t->stream_finish(st, &events.raw, &err.raw), ACP_OK);
  int64_t p = 0, c = 0;
  t->stream_usage(st, &p, &c);
  EXPECT_EQ(p, 2060);
  EXPECT_EQ(c, 5);
  t->stream_close(st);
  EXPECT_EQ(events.joined(), fixture("messages_text.expected.sse"));

  // Truncated: ACP_ERR_UPSTREAM with the message, 502.
  ASSERT_EQ(t->stream_open(a, &rin, &st, &err.raw), ACP_OK);
  EXPECT_EQ(t->stream_feed(st, s(std::string_view(sse).substr(0, 500)), &events.raw, &err.raw), ACP_OK);
  EXPECT_EQ(t->stream_finish(st, &events.raw, &err.raw), ACP_ERR_UPSTREAM);
  EXPECT_EQ(err.message, "upstream stream ended before message_stop");
  EXPECT_EQ(err.http, 502);
  t->stream_close(st);

  // A prompt over the context window (Anthropic's words through Bedrock, or Bedrock's own): TOO_LONG,
  // and FATAL for a host that does not know that class. A throttling 400 stays a retry.
  acp_response_in ein{sizeof(acp_response_in),
                      s(ACP_DIALECT_ANTHROPIC_MESSAGES),
                      s("anthropic--claude-3.7-sonnet"),
                      s(""),
                      400,
                      s("application/json"),
                      s(R"({"message":"prompt is too long: 210000 tokens > 200000 maximum"})")};
  Collect msg;
  EXPECT_EQ(t->classify_error(a, &ein, &msg.raw), ACP_UPSTREAM_TOO_LONG);
  ein.body = s(R"({"message":"Input is too long for requested model."})");
  EXPECT_EQ(t->classify_error(a, &ein, &msg.raw), ACP_UPSTREAM_TOO_LONG);
  ASSERT_NE(entry(host_without_error_classes()), nullptr);
  EXPECT_EQ(t->classify_error(a, &ein, &msg.raw), ACP_UPSTREAM_FATAL);
  ASSERT_NE(entry(good_host()), nullptr);
  ein.body = s(R"({"message":"Too many tokens, please wait before trying again."})");
  EXPECT_EQ(t->classify_error(a, &ein, &msg.raw), ACP_UPSTREAM_RETRY);

  // count_tokens through respond().
  const std::string ct = R"({"model":"m","messages":[{"role":"user","content":"Hello there"}]})";
  acp_request_in cin{sizeof(acp_request_in), s(ACP_DIALECT_ANTHROPIC_COUNT_TOKENS), s("m"), s("m"), s(ct), nullptr, 0, 0};
  Out local;
  ASSERT_EQ(t->convert_request(a, &cin, &local.raw, &err.raw), ACP_OK) << err.message;
  EXPECT_EQ(local.local_status, 200);
  EXPECT_TRUE(Json::parse(local.local)["input_tokens"].is_number_integer());

  // A client error crosses with its HTTP hint and type.
  acp_request_in bad{sizeof(acp_request_in), s(ACP_DIALECT_ANTHROPIC_MESSAGES), s("m"), s("m"),
                     s(R"({"messages":[]})"), nullptr, 0, 0};
  EXPECT_EQ(t->convert_request(a, &bad, &out.raw, &err.raw), ACP_ERR_INVALID_REQUEST);
  EXPECT_EQ(err.http, 400);
  EXPECT_EQ(err.type, "invalid_request_error");
  EXPECT_EQ(err.message, "max_tokens: Field required");

  t->destroy(a);
  dlclose(h);
}

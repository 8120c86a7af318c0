// The built module (build/plugins/openai.so) through its C ABI, exactly as the host loads it:
// dlopen, the one exported entry point, the descriptor, and every provider thunk once.
#include "test_support.hpp"

#include <dlfcn.h>

#include "support/abi_support.hpp"

using namespace openai_test;
using namespace plugin_test::abi;

namespace {

class PluginModule : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    handle_ = dlopen(OPENAI_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    entry_ = reinterpret_cast<acp_plugin_entry_fn>(dlsym(handle_, ACP_PLUGIN_ENTRY_SYMBOL));
    ASSERT_NE(entry_, nullptr) << dlerror();
  }
  static void TearDownTestSuite() {
    if (handle_) dlclose(handle_);
    handle_ = nullptr;
  }

  const acp_provider_v1* provider() {
    const acp_plugin_descriptor* d = entry_(good_host());
    if (!d || d->interface_count < 1) return nullptr;
    return static_cast<const acp_provider_v1*>(d->interfaces[0].table);
  }

  static inline void* handle_ = nullptr;
  static inline acp_plugin_entry_fn entry_ = nullptr;
};

}  // namespace

TEST_F(PluginModule, ExportsOnlyTheEntryPoint) {
  // Hidden visibility: the converters' symbols are not visible to the host.
  EXPECT_EQ(dlsym(handle_, "_ZN6aicore6openai20convert_chat_requestESt17basic_string_viewIcSt11char_traitsIcEES4_bRKNS0_8SettingsE"), nullptr);
  EXPECT_NE(dlsym(handle_, "acp_plugin_entry"), nullptr);
}

TEST_F(PluginModule, Descriptor) {
  const acp_plugin_descriptor* d = entry_(good_host());
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->struct_size, sizeof(acp_plugin_descriptor));
  EXPECT_EQ(d->abi_major, ACP_ABI_VERSION_MAJOR);
  EXPECT_EQ(d->abi_minor, ACP_ABI_VERSION_MINOR);
  EXPECT_STREQ(d->name, "openai");
  EXPECT_STREQ(d->version, "0.1.0");
  EXPECT_NE(std::string(d->description).find("Azure OpenAI"), std::string::npos);
  ASSERT_EQ(d->interface_count, 1u);
  EXPECT_STREQ(d->interfaces[0].name, ACP_IFACE_PROVIDER_V1);
  auto* t = static_cast<const acp_provider_v1*>(d->interfaces[0].table);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->struct_size, sizeof(acp_provider_v1));
  for (auto fn : {(void*)t->create, (void*)t->destroy, (void*)t->detect_model, (void*)t->model_candidates,
                  (void*)t->convert_request, (void*)t->convert_response, (void*)t->stream_open, (void*)t->stream_feed,
                  (void*)t->stream_finish, (void*)t->stream_close, (void*)t->classify_error})
    EXPECT_NE(fn, nullptr);
}

TEST_F(PluginModule, RefusesAnotherMajorVersion) {
  acp_host_api future = *good_host();
  future.abi_major = ACP_ABI_VERSION_MAJOR + 1;
  host_log().clear();
  EXPECT_EQ(entry_(&future), nullptr);
  ASSERT_EQ(host_log().size(), 1u);
  const std::string built = "openai: built for ABI 1." + std::to_string(ACP_ABI_VERSION_MINOR) + ", host speaks 2.";
  EXPECT_NE(host_log()[0].find(built), std::string::npos) << host_log()[0];
  EXPECT_NE(entry_(good_host()), nullptr);  // and recovers with a good host
}

TEST_F(PluginModule, CreateRejectsBadSettings) {
  const acp_provider_v1* t = provider();
  ASSERT_NE(t, nullptr);
  acp_adapter* a = nullptr;
  ErrorSink err;
  EXPECT_EQ(t->create(s(R"({"api_versions": []})"), &a, &err.raw), ACP_ERR_CONFIG);
  EXPECT_EQ(a, nullptr);
  EXPECT_EQ(err.message, "api_versions: must be an object of model key -> version");
}

TEST_F(PluginModule, FullRequestThroughTheThunks) {
  const acp_provider_v1* t = provider();
  ASSERT_NE(t, nullptr);
  acp_adapter* a = nullptr;
  ErrorSink err;
  ASSERT_EQ(t->create(s("{}"), &a, &err.raw), ACP_OK) << err.message;
  ASSERT_NE(a, nullptr);

  EXPECT_EQ(t->detect_model(a, s("gpt-4o")), 1);
  EXPECT_EQ(t->detect_model(a, s("gemini-2.5-pro")), 0);
  Collect names;
  t->model_candidates(a, s("openai/gpt-4o-2024-08-06"), &names.raw);
  EXPECT_EQ(names.items, (std::vector<std::string>{"openai/gpt-4o-2024-08-06", "gpt-4o-2024-08-06", "gpt-4o"}));

  // Request: a streaming reasoning-model call; the debug line reaches the host log.
  host_log().clear();
  const std::string body = fixture("reasoning_o3.request.json");
  acp_header hdr{s("user-agent"), s("OpenAI/Python 1.99")};
  acp_request_in in{sizeof(acp_request_in), s(ACP_DIALECT_OPENAI_CHAT), s("o3"), s("o3"), s(body), &hdr, 1, 1};
  Out out;
  ASSERT_EQ(t->convert_request(a, &in, &out.raw, &err.raw), ACP_OK) << err.message;
  EXPECT_EQ(out.target, "/chat/completions?api-version=2024-12-01-preview");
  EXPECT_JSON_EQ(Json::parse(out.body), fixture_json("reasoning_o3.upstream.json"));
  ASSERT_EQ(host_log().size(), 1u);
  EXPECT_EQ(host_log()[0].rfind("1 openai: openai.chat for 'o3': dropped top_p", 0), 0u) << host_log()[0];

  // Stream: feed the tools transcript in two odd pieces through the C thunks.
  acp_response_in rin{sizeof(acp_response_in), s(ACP_DIALECT_OPENAI_CHAT), s("o3"), s(out.context), 200,
                      s("text/event-stream"), s("")};
  acp_stream* st = nullptr;
  ASSERT_EQ(t->stream_open(a, &rin, &st, &err.raw), ACP_OK) << err.message;
  const std::string sse = fixture("azure_tools.sse");
  Collect events;
  EXPECT_EQ(t->stream_feed(st, s(std::string_view(sse).substr(0, 777)), &events.raw, &err.raw), ACP_OK);
  EXPECT_EQ(t->stream_feed(st, s(std::string_view(sse).substr(777)), &events.raw, &err.raw), ACP_OK);
  EXPECT_EQ(t->stream_finish(st, &events.raw, &err.raw), ACP_OK);
  t->stream_close(st);
  EXPECT_EQ(events.joined(), fixture("tools_no_usage.expected.sse"));

  // A truncated stream turns into ACP_ERR_UPSTREAM with the message, not a silent end.
  ASSERT_EQ(t->stream_open(a, &rin, &st, &err.raw), ACP_OK);
  EXPECT_EQ(t->stream_feed(st, s(std::string_view(sse).substr(0, 500)), &events.raw, &err.raw), ACP_OK);
  EXPECT_EQ(t->stream_finish(st, &events.raw, &err.raw), ACP_ERR_UPSTREAM);
  EXPECT_EQ(err.message, "upstream stream ended before [DONE]");
  EXPECT_EQ(err.http, 502);
  t->stream_close(st);

  // Non-stream response.
  const std::string azure = fixture("chat_response.azure.json");
  acp_response_in resp{sizeof(acp_response_in), s(ACP_DIALECT_OPENAI_CHAT), s("gpt-4o"), s(""), 200,
                       s("application/json"), s(azure)};
  Collect client;
  ASSERT_EQ(t->convert_response(a, &resp, &client.raw, &err.raw), ACP_OK) << err.message;
  EXPECT_JSON_EQ(Json::parse(client.joined()), fixture_json("chat_response.expected.json"));

  // Invalid client input: status, HTTP hint, type and message cross the ABI.
  acp_request_in bad{sizeof(acp_request_in), s(ACP_DIALECT_OPENAI_CHAT), s("gpt-4o"), s("gpt-4o"),
                     s(R"({"messages": []})"), nullptr, 0, 0};
  EXPECT_EQ(t->convert_request(a, &bad, &out.raw, &err.raw), ACP_ERR_INVALID_REQUEST);
  EXPECT_EQ(err.http, 400);
  EXPECT_EQ(err.type, "invalid_request_error");
  EXPECT_EQ(err.message, "messages: must not be empty");

  // The Anthropic dialect validates in its own terms (see anthropic_messages_test.cpp).
  acp_request_in anthropic{sizeof(acp_request_in), s(ACP_DIALECT_ANTHROPIC_MESSAGES), s("gpt-4o"), s("gpt-4o"),
                           s(R"({"messages": []})"), nullptr, 0, 0};
  EXPECT_EQ(t->convert_request(a, &anthropic, &out.raw, &err.raw), ACP_ERR_INVALID_REQUEST);
  EXPECT_EQ(err.message, "messages: must not be empty");

  // Upstream error classification with the relayed message.
  const std::string e400 = R"({"error":{"message":"Invalid 'messages[0].role'","type":"invalid_request_error"}})";
  acp_response_in err_in{sizeof(acp_response_in), s(ACP_DIALECT_OPENAI_CHAT), s("gpt-4o"), s(""), 400,
                         s("application/json"), s(e400)};
  Collect msg;
  EXPECT_EQ(t->classify_error(a, &err_in, &msg.raw), ACP_UPSTREAM_FATAL);
  EXPECT_EQ(msg.joined(), "Invalid 'messages[0].role'");
  err_in.status = 403;
  EXPECT_EQ(t->classify_error(a, &err_in, &msg.raw), ACP_UPSTREAM_REAUTH);
  err_in.status = 429;
  EXPECT_EQ(t->classify_error(a, &err_in, &msg.raw), ACP_UPSTREAM_RETRY);
  // A prompt over the context window: TOO_LONG (a context-window fallback may take it), and FATAL
  // (relayed) for a host that does not know that class.
  const std::string too_long =
      R"({"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})";
  err_in.status = 400;
  err_in.body = s(too_long);
  EXPECT_EQ(t->classify_error(a, &err_in, &msg.raw), ACP_UPSTREAM_TOO_LONG);
  ASSERT_NE(entry_(host_without_error_classes()), nullptr);
  EXPECT_EQ(t->classify_error(a, &err_in, &msg.raw), ACP_UPSTREAM_FATAL);
  ASSERT_NE(entry_(good_host()), nullptr);

  t->destroy(a);
}

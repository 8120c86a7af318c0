// The built module (build/plugins/gemini.so) through its C ABI, exactly as the host loads it.
#include "test_support.hpp"

#include <dlfcn.h>

#include "support/abi_support.hpp"

using namespace gemini_test;
using namespace plugin_test::abi;

namespace {

class GeminiModule : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    handle_ = dlopen(GEMINI_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
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

TEST_F(GeminiModule, DescriptorAndExports) {
  const acp_plugin_descriptor* d = entry_(good_host());
  ASSERT_NE(d, nullptr);
  EXPECT_STREQ(d->name, "gemini");
  EXPECT_EQ(d->abi_major, ACP_ABI_VERSION_MAJOR);
  ASSERT_EQ(d->interface_count, 1u);
  EXPECT_STREQ(d->interfaces[0].name, ACP_IFACE_PROVIDER_V1);
  EXPECT_NE(std::string(d->description).find("Vertex AI"), std::string::npos);
  // Hidden visibility: neither the converters nor the shared mapping leak out.
  EXPECT_EQ(dlsym(handle_, "_ZN6aicore7mapping27anthropic_to_openai_requestERKN8nlohmann16json_abi_v3_11_211basic_jsonINS2_11ordered_mapESt6vectorNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEblmdSaNS2_14adl_serializerES5_IhSaIhEEvEERKNS0_15ToOpenAIOptionsE"), nullptr);
  EXPECT_NE(dlsym(handle_, "acp_plugin_entry"), nullptr);
}

TEST_F(GeminiModule, CreateRejectsBadSettings) {
  const acp_provider_v1* t = provider();
  acp_adapter* a = nullptr;
  ErrorSink err;
  EXPECT_EQ(t->create(s(R"({"model_names": 3})"), &a, &err.raw), ACP_ERR_CONFIG);
  EXPECT_EQ(a, nullptr);
  EXPECT_EQ(err.message, "model_names: must be an object of model key -> Gemini model name");
}

TEST_F(GeminiModule, EveryDialectThroughTheThunks) {
  const acp_provider_v1* t = provider();
  acp_adapter* a = nullptr;
  ErrorSink err;
  ASSERT_EQ(t->create(s(R"({"model_names":{"pro":"gemini-2.5-pro"}})"), &a, &err.raw), ACP_OK) << err.message;

  EXPECT_EQ(t->detect_model(a, s("gemini-2.5-flash")), 1);
  EXPECT_EQ(t->detect_model(a, s("gpt-4o")), 0);
  Collect names;
  t->model_candidates(a, s("google/gemini-2.5-pro-001"), &names.raw);
  EXPECT_EQ(names.items, (std::vector<std::string>{"google/gemini-2.5-pro-001", "gemini-2.5-pro-001", "gemini-2.5-pro"}));

  // openai.chat, streaming, on an aliased key.
  const std::string body = R"({"model":"pro","stream":true,"messages":[{"role":"user","content":"hi"}]})";
  acp_request_in in{sizeof(acp_request_in), s(ACP_DIALECT_OPENAI_CHAT), s("pro"), s("pro"), s(body), nullptr, 0, 1};
  Out out;
  ASSERT_EQ(t->convert_request(a, &in, &out.raw, &err.raw), ACP_OK) << err.message;
  EXPECT_EQ(out.target, "/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
  EXPECT_EQ(out.body, R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}]})");

  acp_response_in rin{sizeof(acp_response_in), s(ACP_DIALECT_OPENAI_CHAT), s("pro"), s(out.context), 200,
                      s("text/event-stream"), s("")};
  acp_stream* st = nullptr;
  ASSERT_EQ(t->stream_open(a, &rin, &st, &err.raw), ACP_OK) << err.message;
  const std::string sse = fixture("gemini_tools.sse");
  Collect events;
  EXPECT_EQ(t->stream_feed(st, s(std::string_view(sse).substr(0, 100)), &events.raw, &err.raw), ACP_OK);
  EXPECT_EQ(t->stream_feed(st, s(std::string_view(sse).substr(100)), &events.raw, &err.raw), ACP_OK);
  EXPECT_EQ(t->stream_finish(st, &events.raw, &err.raw), ACP_OK);
  int64_t p = 0, c = 0;
  t->stream_usage(st, &p, &c);
  EXPECT_EQ(p, 50);
  EXPECT_EQ(c, 30);
  t->stream_close(st);
  EXPECT_EQ(events.items.back(), "data: [DONE]\n\n");

  // A truncated stream is ACP_ERR_UPSTREAM with a 502 hint.
  ASSERT_EQ(t->stream_open(a, &rin, &st, &err.raw), ACP_OK);
  EXPECT_EQ(t->stream_feed(st, s(std::string_view(sse).substr(0, 150)), &events.raw, &err.raw), ACP_OK);
  EXPECT_EQ(t->stream_finish(st, &events.raw, &err.raw), ACP_ERR_UPSTREAM);
  EXPECT_EQ(err.http, 502);
  EXPECT_EQ(err.message, "upstream stream ended before Gemini's finishReason");
  t->stream_close(st);

  // anthropic.count_tokens answers locally.
  Out local;
  const std::string cbody = R"({"model":"pro","messages":[{"role":"user","content":"hello there"}]})";
  acp_request_in cin{sizeof(acp_request_in), s(ACP_DIALECT_ANTHROPIC_COUNT_TOKENS), s("pro"), s("pro"), s(cbody), nullptr, 0, 0};
  ASSERT_EQ(t->convert_request(a, &cin, &local.raw, &err.raw), ACP_OK) << err.message;
  EXPECT_EQ(local.local_status, 200);
  EXPECT_TRUE(Json::parse(local.local)["input_tokens"].is_number_integer());
  EXPECT_TRUE(local.target.empty());

  // A host without respond(): count_tokens says so instead of calling upstream.
  Out old;
  old.raw.struct_size = offsetof(acp_request_out, respond);
  EXPECT_EQ(t->convert_request(a, &cin, &old.raw, &err.raw), ACP_ERR_UNSUPPORTED);

  // anthropic.messages, non-streaming response through the thunk.
  const std::string abody = R"({"model":"pro","max_tokens":50,"messages":[{"role":"user","content":"hi"}]})";
  acp_request_in ain{sizeof(acp_request_in), s(ACP_DIALECT_ANTHROPIC_MESSAGES), s("pro"), s("pro"), s(abody), nullptr, 0, 0};
  Out aout;
  ASSERT_EQ(t->convert_request(a, &ain, &aout.raw, &err.raw), ACP_OK) << err.message;
  EXPECT_EQ(aout.target, "/models/gemini-2.5-pro:generateContent");
  const std::string gresp = fixture("gemini_text.response.json");
  acp_response_in ares{sizeof(acp_response_in), s(ACP_DIALECT_ANTHROPIC_MESSAGES), s("pro"), s(aout.context), 200,
                       s("application/json"), s(gresp)};
  Collect client;
  ASSERT_EQ(t->convert_response(a, &ares, &client.raw, &err.raw), ACP_OK) << err.message;
  Json msg = Json::parse(client.joined());
  EXPECT_EQ(msg["type"], "message");
  EXPECT_EQ(msg["model"], "pro");
  EXPECT_EQ(msg["content"][0]["type"], "thinking");

  // openai.embeddings.
  acp_request_in ein{sizeof(acp_request_in), s(ACP_DIALECT_OPENAI_EMBEDDINGS), s("gemini-embedding"), s("gemini-embedding"),
                     s(R"({"input":"x"})"), nullptr, 0, 0};
  Out eout;
  ASSERT_EQ(t->convert_request(a, &ein, &eout.raw, &err.raw), ACP_OK) << err.message;
  EXPECT_EQ(eout.target, "/models/gemini-embedding:predict");

  // Invalid client input crosses with status, HTTP hint, type and message.
  acp_request_in bad{sizeof(acp_request_in), s(ACP_DIALECT_OPENAI_CHAT), s("pro"), s("pro"), s(R"({"messages":[]})"), nullptr, 0, 0};
  EXPECT_EQ(t->convert_request(a, &bad, &out.raw, &err.raw), ACP_ERR_INVALID_REQUEST);
  EXPECT_EQ(err.http, 400);
  EXPECT_EQ(err.type, "invalid_request_error");
  EXPECT_EQ(err.message, "messages: must not be empty");

  // Upstream errors: Google's message is relayed for fatal ones.
  const std::string e400 =
      R"({"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \"x\": Cannot find field.","status":"INVALID_ARGUMENT"}})";
  acp_response_in err_in{sizeof(acp_response_in), s(ACP_DIALECT_OPENAI_CHAT), s("pro"), s(""), 400, s("application/json"), s(e400)};
  Collect msg400;
  EXPECT_EQ(t->classify_error(a, &err_in, &msg400.raw), ACP_UPSTREAM_FATAL);
  EXPECT_EQ(msg400.joined(), "Invalid JSON payload received. Unknown name \"x\": Cannot find field.");
  const std::string arr = "[" + e400 + "]";
  err_in.body = s(arr);
  Collect msg_arr;
  EXPECT_EQ(t->classify_error(a, &err_in, &msg_arr.raw), ACP_UPSTREAM_FATAL);
  EXPECT_EQ(msg_arr.joined(), msg400.joined());
  err_in.status = 429;
  EXPECT_EQ(t->classify_error(a, &err_in, &msg400.raw), ACP_UPSTREAM_RETRY);
  err_in.status = 503;
  EXPECT_EQ(t->classify_error(a, &err_in, &msg400.raw), ACP_UPSTREAM_RETRY);
  err_in.status = 403;
  EXPECT_EQ(t->classify_error(a, &err_in, &msg400.raw), ACP_UPSTREAM_REAUTH);
  // A prompt over the context window: TOO_LONG, and FATAL for a host that does not know that class.
  const std::string too_long =
      R"({"error":{"code":400,"message":"The input token count (1100000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}})";
  err_in.status = 400;
  err_in.body = s(too_long);
  EXPECT_EQ(t->classify_error(a, &err_in, &msg400.raw), ACP_UPSTREAM_TOO_LONG);
  ASSERT_NE(entry_(host_without_error_classes()), nullptr);
  EXPECT_EQ(t->classify_error(a, &err_in, &msg400.raw), ACP_UPSTREAM_FATAL);
  ASSERT_NE(entry_(good_host()), nullptr);

  t->destroy(a);
}

// ABI 1.1's typed stream events across the boundary: what a 1.1 plugin reports through
// acp_event_sink reaches the host as StreamEvents; for a 1.0 plugin the host derives the same from
// its text; and a 1.1 plugin on a 1.0 host degrades to plain text without touching memory the host
// never gave it.
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <string>
#include <vector>

#include "plugin/PluginLibrary.hpp"
#include "plugin/Provider.hpp"

using namespace aicore::host;

namespace {

std::string events_plugin(const char* name) { return std::string(EVENTS_PLUGIN_DIR) + "/" + name + ".so"; }

std::shared_ptr<Provider> load(const char* name) {
  auto lib = PluginLibrary::load(events_plugin(name));
  return std::make_shared<Provider>(lib, read_table<acp_provider_v1>(lib->find_interface(ACP_IFACE_PROVIDER_V1)), "{}");
}

// Everything a plugin reported, in order, as text.
struct Recorder final : StreamEvents {
  std::vector<std::string> got;
  Usage seen;
  void event(std::string_view bytes) override { got.push_back("event " + std::string(bytes)); }
  void end() override { got.push_back("end"); }
  void upstream_error(const UpstreamError& e) override {
    got.push_back("upstream_error " + std::to_string(e.cls) + " " + std::to_string(e.status) + " " + e.type + " " +
                  e.message);
  }
  void usage(const Usage& u) override {
    seen.merge(u);
    got.push_back("usage " + std::to_string(u.input_tokens) + " " + std::to_string(u.output_tokens));
  }
};

}  // namespace

TEST(StreamEvents, APluginBuiltFor11ReportsEachEventThroughTheSink) {
  auto p = load("events_provider");
  PluginFailure fail;
  auto s = p->open_stream({"openai.chat", "events-1", "", 200, "text/event-stream", ""}, fail);
  ASSERT_TRUE(s);
  Recorder r;
  ASSERT_TRUE(s->feed("{}", r, fail));
  ASSERT_TRUE(s->finish(r, fail));
  EXPECT_EQ(r.got, (std::vector<std::string>{"usage 3 -1", "event data: {}\n\n", "usage -1 5", "event data: [DONE]\n\n",
                                             "end"}));
  EXPECT_EQ(r.seen.input_tokens, 3);
  EXPECT_EQ(r.seen.output_tokens, 5);
  EXPECT_EQ(r.seen.cache_read_tokens, 1);
  EXPECT_EQ(r.seen.cache_write_tokens, 0);
  EXPECT_EQ(r.seen.reasoning_tokens, 2);
}

TEST(StreamEvents, AnUpstreamErrorIsClassifiedBeforeItsClientEvent) {
  auto p = load("events_provider");
  PluginFailure fail;
  auto s = p->open_stream({"anthropic.messages", "events-1", "", 200, "text/event-stream", ""}, fail);
  Recorder r;
  ASSERT_TRUE(s->feed("error", r, fail));
  ASSERT_EQ(r.got.size(), 3u);
  EXPECT_EQ(r.got[0], "upstream_error 1 503 overloaded_error Overloaded");  // ACP_UPSTREAM_RETRY
  EXPECT_EQ(r.got[1].substr(0, 18), "event event: error");
  EXPECT_EQ(r.got[2], "end");
}

TEST(StreamEvents, AWholeResponseReportsItsUsage) {
  auto p = load("events_provider");
  std::string body;
  Usage usage;
  PluginFailure fail;
  ASSERT_TRUE(p->convert_response({"openai.chat", "events-1", "", 200, "application/json", "{}"}, body, fail, &usage));
  EXPECT_EQ(body, R"({"ok":true})");
  EXPECT_EQ(usage.input_tokens, 7);
  EXPECT_EQ(usage.output_tokens, 11);
}

TEST(StreamEvents, AnExceptionFromAnEventIsHeldBackAndLaterCallsAreDropped) {
  auto p = load("events_provider");
  PluginFailure fail;
  auto s = p->open_stream({"openai.chat", "events-1", "", 200, "", ""}, fail);
  struct Gone {};
  struct Throws final : StreamEvents {
    int calls = 0;
    void event(std::string_view) override { ++calls; }
    void usage(const Usage&) override {
      ++calls;
      throw Gone{};
    }
  } t;
  EXPECT_THROW(s->feed("{}", t, fail), Gone);
  EXPECT_EQ(t.calls, 1);  // the event and the second usage after the throwing one never arrived
}

TEST(StreamEvents, APluginBuiltFor10GetsItsEventsDerivedFromItsText) {
  auto p = load("legacy");
  PluginFailure fail;
  // Its first event is a retryable upstream error: reported before the event, as 1.1 plugins do.
  auto s = p->open_stream({"openai.chat", "legacy-gpt", "", 200, "text/event-stream", ""}, fail);
  Recorder r;
  ASSERT_TRUE(s->feed("data: {\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}\n\ndata: [DONE]\n\n", r, fail));
  ASSERT_EQ(r.got.size(), 4u);
  EXPECT_EQ(r.got[0], "upstream_error 1 502  busy");
  EXPECT_EQ(r.got[1].substr(0, 15), "event data: {\"e");
  EXPECT_EQ(r.got[2], "event data: [DONE]\n\n");
  EXPECT_EQ(r.got[3], "end");

  // Later events are not taken for a leading error; usage comes from the text and stream_usage.
  s = p->open_stream({"openai.chat", "legacy-gpt", "", 200, "text/event-stream", ""}, fail);
  Recorder later;
  ASSERT_TRUE(s->feed("data: {\"choices\":[]}\n\n", later, fail));
  ASSERT_TRUE(s->feed("data: {\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}\n\n", later, fail));
  ASSERT_TRUE(s->feed("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":4}}\n\n", later, fail));
  ASSERT_TRUE(s->finish(later, fail));
  for (const auto& g : later.got) EXPECT_EQ(g.find("upstream_error"), std::string::npos) << g;
  EXPECT_EQ(later.seen.input_tokens, 12);
  EXPECT_EQ(later.seen.output_tokens, 4);
}

TEST(StreamEvents, APluginBuiltFor11OnAHostWithoutEventSinksWritesTextOnly) {
  // Played by hand: the plugin's entry with a 1.0 host table (no event_sinks member), then its
  // stream fed a bare acp_sink. Reading the sink as an acp_event_sink would be out of bounds
  // (ASan) or call garbage; the typed events must simply not happen.
  void* so = dlopen(events_plugin("events_provider").c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(so, nullptr) << dlerror();
  auto entry = reinterpret_cast<acp_plugin_entry_fn>(dlsym(so, ACP_PLUGIN_ENTRY_SYMBOL));
  static acp_host_api old{};  // the plugin keeps the pointer
  old.struct_size = offsetof(acp_host_api, event_sinks);
  old.abi_major = 1;
  old.abi_minor = 0;
  old.log = [](acp_log_level, acp_str, acp_str) {};
  old.unix_time = [] { return int64_t{0}; };
  const acp_plugin_descriptor* d = entry(&old);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->abi_minor, 1u);
  auto t = static_cast<const acp_provider_v1*>(d->interfaces[0].table);
  acp_adapter* a = nullptr;
  ASSERT_EQ(t->create({"{}", 2}, &a, nullptr), ACP_OK);
  acp_response_in in{sizeof(acp_response_in), {"openai.chat", 11}, {"events-1", 8}, {}, 200, {}, {}};
  acp_stream* s = nullptr;
  ASSERT_EQ(t->stream_open(a, &in, &s, nullptr), ACP_OK);
  std::vector<std::string> written;
  acp_sink bare{&written, [](void* c, acp_str b) { static_cast<std::vector<std::string>*>(c)->emplace_back(b.ptr, b.len); }};
  EXPECT_EQ(t->stream_feed(s, {"{}", 2}, &bare, nullptr), ACP_OK);
  EXPECT_EQ(t->stream_finish(s, &bare, nullptr), ACP_OK);
  EXPECT_EQ(written, (std::vector<std::string>{"data: {}\n\n", "data: [DONE]\n\n"}));
  // The usage it reported through the sink still reaches a 1.0 host, through stream_usage.
  int64_t prompt = 0, completion = 0;
  t->stream_usage(s, &prompt, &completion);
  EXPECT_EQ(prompt, 3);
  EXPECT_EQ(completion, 5);
  t->stream_close(s);
  t->destroy(a);
  dlclose(so);
}

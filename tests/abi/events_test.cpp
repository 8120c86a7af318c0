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

TEST(StreamEvents, APluginBuiltFor11RefusesAHostWithoutEventSinks) {
  // A 1.1 plugin never meets a 1.0 host: the SDK's minor-version check refuses it at the entry
  // point, so the typed sink members can never be read from a bare acp_sink.
  void* so = dlopen(events_plugin("events_provider").c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(so, nullptr) << dlerror();
  auto entry = reinterpret_cast<acp_plugin_entry_fn>(dlsym(so, ACP_PLUGIN_ENTRY_SYMBOL));
  static acp_host_api old{};  // the plugin keeps the pointer
  old.struct_size = offsetof(acp_host_api, event_sinks);
  old.abi_major = 1;
  old.abi_minor = 0;
  old.log = [](acp_log_level, acp_str, acp_str) {};
  old.unix_time = [] { return int64_t{0}; };
  EXPECT_EQ(entry(&old), nullptr);
}

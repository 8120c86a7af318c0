// A provider built with the SDK against ABI 1.1 that reports every typed event, so the tests can
// see each one arrive on the host's side (tests/abi/events_test.cpp): a fed "error" is an upstream
// error the stream reports first; anything else becomes one event with usage; finish() ends.
#include <aicore/plugin.hpp>

#include <string>

namespace {

struct EventsStream : aicore::StreamConverter {
  void feed(std::string_view bytes, const aicore::Sink& events) override {
    if (bytes == "error") {
      aicore::report_stream_error(events, "overloaded_error", "", "Overloaded");
      events.write("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
      events.end();
      return;
    }
    events.usage(aicore::Usage{3, -1, 1, 0, -1});
    events.write("data: " + std::string(bytes) + "\n\n");
    events.usage(aicore::Usage{-1, 5, -1, -1, 2});
  }
  void finish(const aicore::Sink& events) override {
    events.write("data: [DONE]\n\n");
    events.end();
  }
};

struct EventsProvider : aicore::Provider {
  explicit EventsProvider(std::string_view) {}
  bool detect_model(std::string_view m) const override { return m.rfind("events-", 0) == 0; }
  void convert_request(const aicore::RequestIn& in, const aicore::RequestOut& out) const override {
    out.target("/x");
    out.body(in.body);
  }
  void convert_response(const aicore::ResponseIn&, const aicore::Sink& out) const override {
    out.write("{\"ok\":");
    out.write("true}");
    out.usage(aicore::Usage{7, 11, -1, -1, -1});
  }
  std::unique_ptr<aicore::StreamConverter> open_stream(const aicore::ResponseIn&) const override {
    return std::make_unique<EventsStream>();
  }
};

}  // namespace

ACP_PLUGIN("events", "1.1.0", "reports every typed stream event", ACP_PROVIDER(EventsProvider))

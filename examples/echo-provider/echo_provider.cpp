// Example provider: serves models named "echo-*" on an Azure OpenAI deployment by passing the
// OpenAI chat body through unchanged. Small on purpose: it shows the whole plugin surface
// (detection, request, response, stream) with nothing but the SDK headers.
#include <aicore/plugin.hpp>
#include <aicore/sse.hpp>

#include <memory>
#include <string>

namespace {

// Re-frames each upstream SSE event for the client, one event per write.
class PassThroughStream : public aicore::StreamConverter {
 public:
  void feed(std::string_view bytes, const aicore::Sink& events) override {
    parser_.feed(bytes, [&](const aicore::SseEvent& e) { events.write(aicore::sse_data(e.data)); });
  }
  void finish(const aicore::Sink& events) override {
    parser_.finish([&](const aicore::SseEvent& e) { events.write(aicore::sse_data(e.data)); });
  }

 private:
  aicore::SseParser parser_;
};

class EchoProvider : public aicore::Provider {
 public:
  explicit EchoProvider(std::string_view /*settings_json*/) {}

  bool detect_model(std::string_view model) const override { return model.rfind("echo-", 0) == 0; }

  void convert_request(const aicore::RequestIn& in, const aicore::RequestOut& out) const override {
    if (in.dialect != ACP_DIALECT_OPENAI_CHAT)
      throw aicore::PluginError(ACP_ERR_UNSUPPORTED, "the echo provider serves only /v1/chat/completions");
    out.target("/chat/completions?api-version=2024-12-01-preview");
    out.body(in.body);
  }

  void convert_response(const aicore::ResponseIn& in, const aicore::Sink& out) const override { out.write(in.body); }

  std::unique_ptr<aicore::StreamConverter> open_stream(const aicore::ResponseIn&) const override {
    return std::make_unique<PassThroughStream>();
  }
};

}  // namespace

ACP_PLUGIN("echo", "1.0.0", "Example provider built out of tree", ACP_PROVIDER(EchoProvider))

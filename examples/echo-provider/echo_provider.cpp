// Example provider: serves models named "echo-*" on an Azure OpenAI deployment by passing the
// OpenAI chat body through unchanged. Small on purpose: it shows the whole plugin surface with
// nothing but the SDK headers — model detection, one dialect through DialectProvider's hooks
// (every other dialect is refused for it), the whole response, and a stream that tells the host
// where it ends (ABI 1.1's typed events; on a 1.0 host they are no-ops).
#include <aicore/plugin.hpp>
#include <aicore/sse.hpp>

#include <memory>
#include <string>

namespace {

// Re-frames each upstream SSE event for the client, one event per write. A real converter also
// reports the usage it reads (events.usage) and an error the upstream streams, classified, before
// its client error event (aicore::report_stream_error).
class PassThroughStream : public aicore::StreamConverter {
 public:
  void feed(std::string_view bytes, const aicore::Sink& events) override {
    parser_.feed(bytes, [&](const aicore::SseEvent& e) { forward(e, events); });
  }
  void finish(const aicore::Sink& events) override {
    parser_.finish([&](const aicore::SseEvent& e) { forward(e, events); });
  }

 private:
  static void forward(const aicore::SseEvent& e, const aicore::Sink& events) {
    events.write(aicore::sse_data(e.data));
    if (e.data == "[DONE]") events.end();  // nothing may follow: the host adds nothing either
  }

  aicore::SseParser parser_;
};

class EchoProvider : public aicore::DialectProvider {
 public:
  explicit EchoProvider(std::string_view /*settings_json*/) : DialectProvider("echo") {}

  bool detect_model(std::string_view model) const override { return model.rfind("echo-", 0) == 0; }

 protected:
  aicore::UpstreamRequest openai_chat_request(const aicore::RequestIn& in) const override {
    return {"/chat/completions?api-version=2024-12-01-preview", std::string(in.body), {}};
  }
  std::string openai_chat_response(const aicore::ResponseIn& in, aicore::Usage&) const override {
    return std::string(in.body);
  }
  std::unique_ptr<aicore::StreamConverter> openai_chat_stream(const aicore::ResponseIn&) const override {
    return std::make_unique<PassThroughStream>();
  }
};

}  // namespace

ACP_PLUGIN("echo", "1.0.0", "Example provider built out of tree", ACP_PROVIDER(EchoProvider))

// A provider that misbehaves on purpose, for the integration test of the host's defences
// (tests/integration/hostile_plugin.test.mjs): it sends valid requests to an Azure-style
// deployment and then hands the host broken output — a response body that is not JSON
// (model "bad-json"), a stream "event" without SSE framing (model "bad-sse"), or throws while
// converting (model "bad-throw"). Every other request of the proxy must be unaffected.
#include <aicore/plugin.hpp>

#include <stdexcept>
#include <string>

namespace {

struct BadStream : aicore::StreamConverter {
  void feed(std::string_view, const aicore::Sink& events) override {
    if (!written_) events.write("this is not an SSE event");
    written_ = true;
  }
  void finish(const aicore::Sink&) override {}
  bool written_ = false;
};

struct Misbehaving : aicore::Provider {
  explicit Misbehaving(std::string_view) {}
  bool detect_model(std::string_view m) const override { return m.rfind("bad-", 0) == 0; }
  void convert_request(const aicore::RequestIn& in, const aicore::RequestOut& out) const override {
    out.target("/chat/completions?api-version=2024-12-01-preview");
    out.body(std::string("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]") + (in.stream ? ",\"stream\":true}" : "}"));
    out.context(std::string(in.model));
  }
  void convert_response(const aicore::ResponseIn& in, const aicore::Sink& out) const override {
    if (in.context == "bad-throw") throw std::runtime_error("converter crashed");
    out.write("{\"choices\": [ not json");
  }
  std::unique_ptr<aicore::StreamConverter> open_stream(const aicore::ResponseIn&) const override {
    return std::make_unique<BadStream>();
  }
};

}  // namespace

ACP_PLUGIN("misbehaving", "0.0.1", "a provider that returns broken output (tests)", ACP_PROVIDER(Misbehaving))

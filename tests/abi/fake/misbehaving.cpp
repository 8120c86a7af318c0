// A provider that misbehaves on purpose, for the integration test of the host's defences
// (tests/integration/hostile_plugin.test.mjs): it sends valid requests to an Azure-style
// deployment and then hands the host broken output — a response body that is not JSON
// (model "bad-json"), a stream "event" without SSE framing (model "bad-sse"), or throws while
// converting (model "bad-throw"), or builds an upstream request the host must refuse: CR/LF in
// the target ("bad-target") or in a header value ("bad-header"), a header the host owns
// ("bad-auth", "bad-group", "bad-length"), or a local answer with a status that is not one
// ("bad-status"). Every other request of the proxy must be unaffected.
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
    const std::string_view m = in.model;
    if (m == "bad-status") {
      out.respond(1000, "{}");
      return;
    }
    out.target(m == "bad-target" ? "/chat/completions HTTP/1.1\r\nX-Smuggled: 1\r\n"
                                 : "/chat/completions?api-version=2024-12-01-preview");
    if (m == "bad-header") out.header("X-Note", "fine\r\nAuthorization: Bearer stolen");
    if (m == "bad-auth") out.header("authorization", "Bearer the-plugin's-own");
    if (m == "bad-group") out.header("AI-Resource-Group", "someone-elses");
    if (m == "bad-length") out.header("Content-Length", "0");
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

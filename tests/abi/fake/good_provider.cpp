// A fake provider the ABI tests control: echoes, throws on request, streams what it is fed.
#include <aicore/plugin.hpp>

#include <stdexcept>
#include <string>

namespace {

struct EchoStream : aicore::StreamConverter {
  void feed(std::string_view bytes, const aicore::Sink& events) override { events.write("ev:" + std::string(bytes)); }
  void finish(const aicore::Sink& events) override { events.write("end"); }
};

struct FakeProvider : aicore::Provider {
  explicit FakeProvider(std::string_view settings) {
    if (settings.find("reject") != std::string_view::npos) throw aicore::PluginError(ACP_ERR_CONFIG, "fake: rejected settings");
  }
  bool detect_model(std::string_view m) const override { return m.rfind("fake-", 0) == 0; }
  void model_candidates(std::string_view m, const aicore::Sink& names) const override {
    if (m == "alias-of-fake") names.write("fake-1");
  }
  void convert_request(const aicore::RequestIn& in, const aicore::RequestOut& out) const override {
    if (in.dialect == "throw.std") throw std::runtime_error("boom");
    if (in.dialect == "throw.int") throw 42;
    if (in.dialect == "invalid") throw aicore::invalid_request("messages: required");
    if (in.dialect == "local") {
      out.respond(200, "{\"input_tokens\":3}");
      return;
    }
    out.target("/echo?model=" + std::string(in.model));
    out.header("X-Fake", std::string(in.headers.get("x-client")));
    out.body(in.body);
    out.context(in.stream ? "stream" : "plain");
  }
  void convert_response(const aicore::ResponseIn& in, const aicore::Sink& out) const override {
    out.write("{\"ctx\":\"" + std::string(in.context) + "\",\"t\":" + std::to_string(aicore::unix_time()) + "}");
  }
  std::unique_ptr<aicore::StreamConverter> open_stream(const aicore::ResponseIn&) const override {
    return std::make_unique<EchoStream>();
  }
};

}  // namespace

ACP_PLUGIN("fake", "9.9.9", "fake provider for ABI tests", ACP_PROVIDER(FakeProvider))

// gemini.generate_content and gemini.count_tokens served through a plugin's openai.chat hooks
// (aicore/mapping/gemini_provider.hpp).
#include "json_util.hpp"
#include "over_chat_context.hpp"
#include "over_chat_stream.hpp"

#include <aicore/mapping/changes.hpp>
#include <aicore/mapping/count_tokens.hpp>
#include <aicore/mapping/gemini_api.hpp>
#include <aicore/mapping/gemini_provider.hpp>
#include <aicore/mapping/openai_to_anthropic.hpp>

namespace aicore::mapping {

using namespace detail;

namespace {

// The response context: the over-chat envelope, flag `t` when the client asked for thoughts,
// payload the client's model name.
constexpr std::string_view kTag = "gem1;";
constexpr std::string_view kDialect = ACP_DIALECT_GEMINI_GENERATE_CONTENT;

// The plugin's chat stream, its events turned into Gemini chunks. The Gemini stream has no
// terminator event: end() follows its last chunk (or its error chunk).
class GeminiStream final : public OverChatStream {
 public:
  GeminiStream(std::unique_ptr<StreamConverter> chat, std::string model, bool thoughts)
      : OverChatStream(std::move(chat)), map_(std::move(model), thoughts) {}

 private:
  void on_chat_event(const std::string& data, const Sink& out) override {
    const Emit emit(out);
    if (map_.ended() || data.empty()) return;
    if (data == "[DONE]") {
      map_.finish(emit);
      out.end();
      return;
    }
    const Json chunk = parse_upstream_json(data, "chat stream event");
    if (const Json* e = find(chunk, "error")) {
      map_.on_error(*e, upstream_status(), emit);
      out.end();
      return;
    }
    map_.on_chunk(chunk, emit);
  }
  // A chat stream that ended without [DONE] still gets the Gemini stream's last chunk.
  void on_chat_end(const Sink& out) override {
    if (map_.ended()) return;
    map_.finish(Emit(out));
    out.end();
  }

  ChatToGeminiStream map_;
};

std::string client_model(const RequestIn& in) { return std::string(ModelNames::of(in).client); }

}  // namespace

UpstreamRequest GeminiOverChat::gemini_generate_request(const RequestIn& in) const {
  Changes changes;
  const std::string model = client_model(in);
  GeminiAsChat r = gemini_to_chat_request(parse_client_json(in.body), model, in.stream, changes);
  changes.log("gemini.generate_content -> openai.chat for '" + model + "'");
  const std::string chat_body = dump(r.chat);
  RequestIn chat = in;
  chat.dialect = ACP_DIALECT_OPENAI_CHAT;
  chat.body = chat_body;
  UpstreamRequest up = openai_chat_request(chat);
  up.context = pack_over_chat(kTag, r.include_thoughts ? 't' : '-', up.context, model);
  return up;
}

std::string GeminiOverChat::gemini_count_tokens(const RequestIn& in) const {
  Changes changes;  // what the estimate leaves out is not worth a log line
  const Json body = parse_client_json(in.body);
  GeminiAsChat r = gemini_to_chat_request(gemini_count_tokens_request(body), client_model(in), false, changes);
  r.chat.erase("response_format");  // the answer's shape costs no input tokens worth refusing over
  const int64_t n = estimate_input_tokens(openai_to_anthropic_request(r.chat));
  return dump(Json{{"totalTokens", n}});
}

std::string GeminiOverChat::gemini_generate_response(const ResponseIn& in, Usage& usage) const {
  const OverChatContext u = unpack_over_chat(kTag, in.context, kDialect);
  const std::string chat = openai_chat_response(as_chat(in, u.chat_context), usage);
  return dump(
      chat_to_gemini_response(parse_upstream_json(chat, "chat completion"), std::string(u.payload), u.flag == 't'));
}

std::unique_ptr<StreamConverter> GeminiOverChat::gemini_generate_stream(const ResponseIn& in) const {
  const OverChatContext u = unpack_over_chat(kTag, in.context, kDialect);
  return std::make_unique<GeminiStream>(openai_chat_stream(as_chat(in, u.chat_context)), std::string(u.payload),
                                        u.flag == 't');
}

}  // namespace aicore::mapping

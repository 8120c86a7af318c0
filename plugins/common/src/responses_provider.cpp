// openai.responses served through a plugin's openai.chat hooks (aicore/mapping/responses_provider.hpp).
#include "json_util.hpp"
#include "over_chat_context.hpp"
#include "over_chat_stream.hpp"

#include <aicore/mapping/changes.hpp>
#include <aicore/mapping/count_tokens.hpp>
#include <aicore/mapping/openai_to_anthropic.hpp>
#include <aicore/mapping/responses.hpp>
#include <aicore/mapping/responses_provider.hpp>

namespace aicore::mapping {

using namespace detail;

namespace {

// The response context: the over-chat envelope, flag `e` when the client asked for encrypted
// reasoning, payload the echo JSON.
constexpr std::string_view kTag = "rsp1;";

std::string pack(const ResponsesAsChat& r, const std::string& chat_context) {
  return pack_over_chat(kTag, r.encrypted ? 'e' : '-', chat_context, dump(r.echo));
}

struct Unpacked {
  std::string_view chat_context;
  Json echo;
  bool encrypted = false;
};

Unpacked unpack(std::string_view context) {
  const OverChatContext c = unpack_over_chat(kTag, context, ACP_DIALECT_OPENAI_RESPONSES);
  Unpacked u{c.chat_context, parse_embedded_json(c.payload), c.flag == 'e'};
  if (!u.echo.is_object()) u.echo = Json::object();
  return u;
}

// The plugin's chat stream, its events turned into Responses events.
class ResponsesStream final : public OverChatStream {
 public:
  ResponsesStream(std::unique_ptr<StreamConverter> chat, Json echo, bool encrypted)
      : OverChatStream(std::move(chat)), map_(std::move(echo), encrypted) {}

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
      map_.on_error(*e, emit);
      out.end();
      return;
    }
    map_.on_chunk(chunk, emit);
  }
  // (on_chat_end stays a no-op: the Responses stream ends with its own terminal event.)

  ChatToResponsesStream map_;
};

}  // namespace

UpstreamRequest ResponsesOverChat::openai_responses_request(const RequestIn& in) const {
  Changes changes;
  ResponsesAsChat r = responses_to_chat_request(parse_client_json(in.body), changes);
  changes.log("openai.responses -> openai.chat for '" + std::string(in.client_model) + "'");
  const std::string chat_body = dump(r.chat);
  RequestIn chat = in;
  chat.dialect = ACP_DIALECT_OPENAI_CHAT;
  chat.body = chat_body;
  UpstreamRequest up = openai_chat_request(chat);
  up.context = pack(r, up.context);
  return up;
}

std::string ResponsesOverChat::openai_responses_input_tokens(const RequestIn& in) const {
  Changes changes;  // what the estimate leaves out is not worth a log line
  Json body = parse_client_json(in.body);
  if (body.is_object()) body.erase("stream");
  const ResponsesAsChat r = responses_to_chat_request(body, changes);
  const int64_t n = estimate_input_tokens(openai_to_anthropic_request(r.chat));
  return dump(Json{{"object", "response.input_tokens"}, {"input_tokens", n}});
}

std::string ResponsesOverChat::openai_responses_response(const ResponseIn& in, Usage& usage) const {
  const Unpacked u = unpack(in.context);
  const std::string chat = openai_chat_response(as_chat(in, u.chat_context), usage);
  return dump(chat_to_responses_response(parse_upstream_json(chat, "chat completion"), u.echo, u.encrypted));
}

std::unique_ptr<StreamConverter> ResponsesOverChat::openai_responses_stream(const ResponseIn& in) const {
  Unpacked u = unpack(in.context);
  return std::make_unique<ResponsesStream>(openai_chat_stream(as_chat(in, u.chat_context)), std::move(u.echo),
                                           u.encrypted);
}

}  // namespace aicore::mapping

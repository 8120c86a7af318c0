// openai.responses served through a plugin's openai.chat hooks (aicore/mapping/responses_provider.hpp).
#include "json_util.hpp"

#include <aicore/mapping/changes.hpp>
#include <aicore/mapping/count_tokens.hpp>
#include <aicore/mapping/openai_to_anthropic.hpp>
#include <aicore/mapping/responses.hpp>
#include <aicore/mapping/responses_provider.hpp>
#include <aicore/sse.hpp>

#include <charconv>

namespace aicore::mapping {

using namespace detail;

namespace {

// The context handed to the host: "rsp1;<e|->;<length of the chat hook's context>;<that
// context><echo JSON>", so the chat hooks get their own context back unchanged.
constexpr std::string_view kTag = "rsp1;";

std::string pack(const ResponsesAsChat& r, const std::string& chat_context) {
  return std::string(kTag) + (r.encrypted ? "e;" : "-;") + std::to_string(chat_context.size()) + ";" + chat_context +
         dump(r.echo);
}

struct Unpacked {
  std::string_view chat_context;
  Json echo;
  bool encrypted = false;
};

Unpacked unpack(std::string_view context) {
  Unpacked u;
  if (!context.starts_with(kTag) || context.size() < kTag.size() + 2)
    throw PluginError(ACP_ERR_INTERNAL, "openai.responses: a response context this plugin did not write");
  context.remove_prefix(kTag.size());
  u.encrypted = context[0] == 'e';
  context.remove_prefix(2);
  size_t n = 0;
  const auto [end, ec] = std::from_chars(context.data(), context.data() + context.size(), n);
  const size_t digits = static_cast<size_t>(end - context.data());
  if (ec != std::errc() || digits >= context.size() || context[digits] != ';' || n > context.size() - digits - 1)
    throw PluginError(ACP_ERR_INTERNAL, "openai.responses: a malformed response context");
  context.remove_prefix(digits + 1);
  u.chat_context = context.substr(0, n);
  u.echo = parse_embedded_json(context.substr(n));
  if (!u.echo.is_object()) u.echo = Json::object();
  return u;
}

ResponseIn as_chat(const ResponseIn& in, std::string_view chat_context) {
  ResponseIn chat = in;
  chat.dialect = ACP_DIALECT_OPENAI_CHAT;
  chat.context = chat_context;
  return chat;
}

// Runs the plugin's chat stream converter and turns each chat event it writes into Responses
// events; its typed events (upstream errors, usage) pass through to the host unchanged.
class ResponsesStream final : public StreamConverter {
 public:
  ResponsesStream(std::unique_ptr<StreamConverter> chat, Json echo, bool encrypted)
      : chat_(std::move(chat)), map_(std::move(echo), encrypted) {
    layer_.base.ctx = this;
    layer_.base.write = &ResponsesStream::on_write;
    layer_.struct_size = sizeof(acp_event_sink);
    layer_.end = &ResponsesStream::on_end;
    layer_.upstream_error = &ResponsesStream::on_upstream_error;
    layer_.usage = &ResponsesStream::on_usage;
  }

  void feed(std::string_view bytes, const Sink& events) override {
    outer_ = &events;
    chat_->feed(bytes, Sink::layered(&layer_));
    outer_ = nullptr;
  }
  void finish(const Sink& events) override {
    outer_ = &events;
    chat_->finish(Sink::layered(&layer_));
    outer_ = nullptr;
  }
  void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const override {
    chat_->usage(prompt_tokens, completion_tokens);
  }

 private:
  // Each write is one complete chat event (`data: …` and its blank line), read with the SDK's parser.
  static void on_write(void* ctx, acp_str bytes) {
    auto* self = static_cast<ResponsesStream*>(ctx);
    self->sse_.feed(std::string_view(bytes.ptr, bytes.len), [self](const SseEvent& e) { self->on_chat_event(e.data); });
  }
  void on_chat_event(const std::string& data) {
    const Sink& out = *outer_;
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
  static void on_end(void*) {}  // the Responses stream ends with its own terminal event
  static void on_upstream_error(void* ctx, acp_error_class cls, int32_t status, acp_str type, acp_str message) {
    static_cast<ResponsesStream*>(ctx)->outer_->upstream_error(cls, status, std::string_view(type.ptr, type.len),
                                                               std::string_view(message.ptr, message.len));
  }
  static void on_usage(void* ctx, const acp_usage* u) {
    static_cast<ResponsesStream*>(ctx)->outer_->usage(Usage::from_c(*u));
  }

  std::unique_ptr<StreamConverter> chat_;
  ChatToResponsesStream map_;
  SseParser sse_;
  acp_event_sink layer_{};
  const Sink* outer_ = nullptr;
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

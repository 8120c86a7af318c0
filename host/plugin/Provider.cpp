#include "plugin/Provider.hpp"

#include <stdexcept>

namespace aicore::host {
namespace {

bool done(acp_status st, ErrorSink& err, PluginFailure& fail) {
  if (st == ACP_OK) return true;
  fail = std::move(err.failure);
  fail.status = st;
  if (fail.message.empty()) fail.message = "plugin failed with status " + std::to_string(int(st));
  return false;
}

acp_response_in to_c(const ResponseView& in) {
  return acp_response_in{sizeof(acp_response_in), as(in.dialect), as(in.model), as(in.context), in.status,
                         as(in.content_type), as(in.body)};
}

}  // namespace

Provider::Provider(std::shared_ptr<PluginLibrary> lib, const acp_provider_v1& table, const std::string& settings)
    : lib_(std::move(lib)), t_(table) {
  if (!t_.create || !t_.destroy || !t_.detect_model || !t_.convert_request || !t_.convert_response ||
      !t_.stream_open || !t_.stream_feed || !t_.stream_finish || !t_.stream_close)
    throw std::runtime_error("provider table lacks a required function");
  ErrorSink err;
  acp_status st = t_.create(as(settings), &adapter_, &err.sink);
  if (st != ACP_OK || !adapter_)
    throw std::runtime_error("settings rejected: " + (err.failure.message.empty() ? std::string("create failed") : err.failure.message));
}

Provider::~Provider() {
  if (adapter_) t_.destroy(adapter_);
}

bool Provider::detect_model(std::string_view model) const { return t_.detect_model(adapter_, as(model)) != 0; }

std::vector<std::string> Provider::model_candidates(std::string_view model) const {
  ListSink names;
  if (t_.model_candidates) t_.model_candidates(adapter_, as(model), &names.sink);
  return std::move(names.items);
}

bool Provider::convert_request(const ProviderCall& c, UpstreamRequest& out, PluginFailure& fail) const {
  acp_request_in in{sizeof(acp_request_in), as(c.dialect), as(c.client_model), as(c.model), as(c.body),
                    c.headers ? c.headers->data() : nullptr, c.headers ? c.headers->size() : 0, c.stream ? 1 : 0};
  RequestSink rs;
  ErrorSink err;
  if (!done(t_.convert_request(adapter_, &in, &rs.out, &err.sink), err, fail)) return false;
  out = std::move(rs.req);
  return true;
}

bool Provider::convert_response(const ResponseView& v, std::string& out, PluginFailure& fail) const {
  acp_response_in in = to_c(v);
  StringSink body;
  ErrorSink err;
  if (!done(t_.convert_response(adapter_, &in, &body.sink, &err.sink), err, fail)) return false;
  out = std::move(body.out);
  return true;
}

std::unique_ptr<ProviderStream> Provider::open_stream(const ResponseView& v, PluginFailure& fail) const {
  acp_response_in in = to_c(v);
  acp_stream* s = nullptr;
  ErrorSink err;
  if (!done(t_.stream_open(adapter_, &in, &s, &err.sink), err, fail)) {
    // The ABI promises stream_close for every handle the plugin hands out, failure or not.
    if (s) t_.stream_close(s);
    return nullptr;
  }
  if (!s) {
    fail = PluginFailure{ACP_ERR_INTERNAL, 500, "api_error", "plugin returned no stream"};
    return nullptr;
  }
  return std::make_unique<ProviderStream>(lib_, t_, s);
}

acp_error_class Provider::classify_error(const ResponseView& v, std::string& message) const {
  if (!t_.classify_error) {
    if (v.status == 429 || v.status >= 500) return ACP_UPSTREAM_RETRY;
    if (v.status == 401) return ACP_UPSTREAM_REAUTH;
    return ACP_UPSTREAM_FATAL;
  }
  acp_response_in in = to_c(v);
  StringSink msg;
  acp_error_class c = t_.classify_error(adapter_, &in, &msg.sink);
  message = std::move(msg.out);
  return c;
}

ProviderStream::~ProviderStream() { t_.stream_close(s_); }

void ProviderStream::usage(int64_t& prompt_tokens, int64_t& completion_tokens) const {
  prompt_tokens = completion_tokens = -1;
  if (t_.stream_usage) t_.stream_usage(s_, &prompt_tokens, &completion_tokens);
}

bool ProviderStream::feed(std::string_view bytes, const std::function<void(std::string_view)>& on_event,
                          PluginFailure& fail) {
  CallbackSink events(on_event);
  ErrorSink err;
  acp_status st = t_.stream_feed(s_, as(bytes), &events.sink, &err.sink);
  events.rethrow();
  return done(st, err, fail);
}

bool ProviderStream::finish(const std::function<void(std::string_view)>& on_event, PluginFailure& fail) {
  CallbackSink events(on_event);
  ErrorSink err;
  acp_status st = t_.stream_finish(s_, &events.sink, &err.sink);
  events.rethrow();
  return done(st, err, fail);
}

}  // namespace aicore::host

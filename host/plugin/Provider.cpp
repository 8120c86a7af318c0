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
                         as(in.content_type),     as(in.body)};
}

// A whole response: its writes are fragments of one body; usage is kept, the stream-only events
// mean nothing here.
struct BodyEvents final : StreamEvents {
  std::string body;
  Usage seen;
  void event(std::string_view bytes) override { body.append(bytes); }
  void usage(const Usage& u) override { seen.merge(u); }
};

}  // namespace

Provider::Provider(std::shared_ptr<PluginLibrary> lib, const acp_provider_v1& table, const std::string& settings)
    : lib_(std::move(lib)), t_(table), legacy_(lib_->abi_minor() < 1) {
  if (!t_.create || !t_.destroy || !t_.detect_model || !t_.convert_request || !t_.convert_response || !t_.stream_open ||
      !t_.stream_feed || !t_.stream_finish || !t_.stream_close)
    throw std::runtime_error("provider table lacks a required function");
  ErrorSink err;
  acp_status st = t_.create(as(settings), &adapter_, &err.sink);
  if (st != ACP_OK || !adapter_)
    throw std::runtime_error("settings rejected: " +
                             (err.failure.message.empty() ? std::string("create failed") : err.failure.message));
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
  acp_request_in in{sizeof(acp_request_in),
                    as(c.dialect),
                    as(c.client_model),
                    as(c.model),
                    as(c.body),
                    c.headers ? c.headers->data() : nullptr,
                    c.headers ? c.headers->size() : 0,
                    c.stream ? 1 : 0};
  RequestSink rs;
  ErrorSink err;
  if (!done(t_.convert_request(adapter_, &in, &rs.out, &err.sink), err, fail)) return false;
  out = std::move(rs.req);
  return true;
}

bool Provider::convert_response(const ResponseView& v, std::string& out, PluginFailure& fail, Usage* usage) const {
  acp_response_in in = to_c(v);
  BodyEvents events;
  EventSink sink(events);
  ErrorSink err;
  if (!done(t_.convert_response(adapter_, &in, sink.raw(), &err.sink), err, fail)) return false;
  if (legacy_) scan_usage(events.body, events.seen);
  out = std::move(events.body);
  if (usage) *usage = events.seen;
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
  return std::make_unique<ProviderStream>(lib_, t_, s, family_of(v.dialect), legacy_);
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

ProviderStream::ProviderStream(std::shared_ptr<PluginLibrary> lib, const acp_provider_v1& t, acp_stream* s,
                               Family family, bool legacy)
    : lib_(std::move(lib)), t_(t), s_(s) {
  if (legacy) legacy_.emplace(family);
}

ProviderStream::~ProviderStream() { t_.stream_close(s_); }

namespace {
// A 1.0 plugin's writes, turned into typed events on their way to `to`.
struct LegacyAdapter final : StreamEvents {
  LegacyEvents& legacy;
  StreamEvents& to;
  LegacyAdapter(LegacyEvents& l, StreamEvents& t) : legacy(l), to(t) {}
  void event(std::string_view bytes) override { legacy.event(bytes, to); }
};
}  // namespace

acp_status ProviderStream::call(StreamEvents& events, const std::function<acp_status(acp_sink*)>& f) {
  std::optional<LegacyAdapter> adapter;
  if (legacy_) adapter.emplace(*legacy_, events);
  EventSink sink(adapter ? static_cast<StreamEvents&>(*adapter) : events);
  acp_status st = f(sink.raw());
  sink.rethrow();
  return st;
}

bool ProviderStream::feed(std::string_view bytes, StreamEvents& events, PluginFailure& fail) {
  ErrorSink err;
  acp_status st = call(events, [&](acp_sink* sink) { return t_.stream_feed(s_, as(bytes), sink, &err.sink); });
  return done(st, err, fail);
}

bool ProviderStream::finish(StreamEvents& events, PluginFailure& fail) {
  ErrorSink err;
  acp_status st = call(events, [&](acp_sink* sink) { return t_.stream_finish(s_, sink, &err.sink); });
  if (legacy_ && t_.stream_usage) {
    int64_t p = -1, c = -1;
    t_.stream_usage(s_, &p, &c);
    legacy_->stream_usage(p, c, events);
  }
  return done(st, err, fail);
}

bool ProviderStream::feed(std::string_view bytes, const std::function<void(std::string_view)>& on_event,
                          PluginFailure& fail) {
  StreamCallbacks events;
  events.on_event = on_event;
  return feed(bytes, events, fail);
}

bool ProviderStream::finish(const std::function<void(std::string_view)>& on_event, PluginFailure& fail) {
  StreamCallbacks events;
  events.on_event = on_event;
  return finish(events, fail);
}

}  // namespace aicore::host

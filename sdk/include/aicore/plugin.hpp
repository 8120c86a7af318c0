// aicore-proxy plugin SDK — the C++ layer over abi.h.
//
// Header-only and compiled into each plugin, so none of its types reach the ABI. A plugin author
// derives from Provider (and/or ClientAuth, UpstreamAuth), then writes one line:
//
//   ACP_PLUGIN("myplugin", "1.0.0", "What it serves", ACP_PROVIDER(MyProvider));
//
// The generated thunks turn every exception into a status code plus message, so a throwing plugin
// never unwinds into the host.
#pragma once

#include <aicore/abi.h>
#include <aicore/stream_errors.hpp>
#include <aicore/usage.hpp>

#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>

namespace aicore {

inline std::string_view view(acp_str s) { return s.ptr ? std::string_view(s.ptr, s.len) : std::string_view(); }
inline acp_str str(std::string_view s) { return acp_str{s.data(), s.size()}; }

// Thrown by plugin code to report a specific error; any other exception becomes ACP_ERR_INTERNAL.
struct PluginError : std::exception {
  acp_status status;
  std::string message;
  std::string type;  // client-vocabulary error type, e.g. "invalid_request_error"
  int http_status;   // 0: let the host derive it from `status`
  PluginError(acp_status st, std::string msg, std::string t = {}, int http = 0)
      : status(st), message(std::move(msg)), type(std::move(t)), http_status(http) {}
  const char* what() const noexcept override { return message.c_str(); }
};

inline PluginError invalid_request(std::string msg) {
  return PluginError(ACP_ERR_INVALID_REQUEST, std::move(msg), "invalid_request_error", 400);
}
inline PluginError upstream_error(std::string msg) {
  return PluginError(ACP_ERR_UPSTREAM, std::move(msg), "api_error", 502);
}

// ---- host services ---------------------------------------------------------------------------

namespace detail {
// Set once by the entry point, before any other call; read-only afterwards.
inline const acp_host_api*& host_api() {
  static const acp_host_api* api = nullptr;
  return api;
}
inline const char*& plugin_name() {
  static const char* name = "plugin";
  return name;
}
}  // namespace detail

inline void log(acp_log_level level, std::string_view message) {
  const acp_host_api* h = detail::host_api();
  if (h && h->log) h->log(level, str(detail::plugin_name()), str(message));
}
inline void log_debug(std::string_view m) { log(ACP_LOG_DEBUG, m); }
inline void log_info(std::string_view m) { log(ACP_LOG_INFO, m); }
inline void log_warn(std::string_view m) { log(ACP_LOG_WARN, m); }

// The host's clock (tests substitute a fixed one); 0 when no host is attached.
inline int64_t unix_time() {
  const acp_host_api* h = detail::host_api();
  return (h && h->unix_time) ? h->unix_time() : 0;
}

// ---- sinks -----------------------------------------------------------------------------------

namespace detail {
// Whether the host passes acp_event_sinks (ABI 1.1, acp_host_api.event_sinks).
inline bool host_passes_event_sinks() {
  const acp_host_api* h = host_api();
  return h && h->struct_size >= offsetof(acp_host_api, event_sinks) + sizeof(uint32_t) && h->event_sinks != 0;
}
}  // namespace detail

// ABI 1.2: what classify_error returns for a prompt longer than the model's context window —
// ACP_UPSTREAM_TOO_LONG where the host understands it (a context-window fallback may serve the
// request), else FATAL (relayed), which is what an older host expects.
inline acp_error_class prompt_too_long() {
  const acp_host_api* h = detail::host_api();
  const bool knows = h && h->struct_size >= offsetof(acp_host_api, error_classes) + sizeof(uint32_t) &&
                     h->error_classes >= ACP_UPSTREAM_TOO_LONG;
  return knows ? ACP_UPSTREAM_TOO_LONG : ACP_UPSTREAM_FATAL;
}

// One write() is one unit: an SSE event on a stream sink, an item on a list sink. On the sinks of
// stream_feed / stream_finish / convert_response (see events()) a plugin also reports the typed
// events of ABI 1.1: end, upstream_error and usage. They are no-ops on a 1.0 host and on every
// other sink, so a plugin calls them unconditionally. One type for all sinks (rather than a
// derived EventSink) keeps converters written against SDK 1.0 — `feed(std::string_view, const
// Sink&)` — compiling and overriding unchanged.
class Sink {
 public:
  explicit Sink(acp_sink* s) : s_(s) {}

  // The sink a thunk received as `events` / `out`: an acp_event_sink when the host says it passes
  // them. `seen`, when given, accumulates every usage() so the SDK can answer a 1.0 host's
  // stream_usage from it.
  static Sink events(acp_sink* s, Usage* seen = nullptr) {
    Sink sink(s);
    if (s && detail::host_passes_event_sinks()) sink.ev_ = reinterpret_cast<const acp_event_sink*>(s);
    sink.seen_ = seen;
    return sink;
  }

  // A sink a plugin layers over another (e.g. to rework a converter's events before they reach the
  // host): its typed events reach `s` whatever the host, since the plugin built `s` itself.
  static Sink layered(const acp_event_sink* s) {
    Sink sink(const_cast<acp_sink*>(&s->base));
    sink.ev_ = s;
    return sink;
  }

  void write(std::string_view bytes) const {
    if (s_ && s_->write) s_->write(s_->ctx, str(bytes));
  }
  // Right after write() of the event that ends the client's stream ([DONE], message_stop, an
  // Anthropic error event). Nothing may be written after it.
  void end() const {
    if (covers(offsetof(acp_event_sink, end)) && ev_->end) ev_->end(s_->ctx);
  }
  // The upstream reported an error inside a 200 stream: its class and the HTTP status it stands
  // for (see aicore/stream_errors.hpp), then the caller still writes its client error event.
  void upstream_error(acp_error_class cls, int http_status, std::string_view type, std::string_view message) const {
    if (covers(offsetof(acp_event_sink, upstream_error)) && ev_->upstream_error)
      ev_->upstream_error(s_->ctx, cls, http_status, str(type), str(message));
  }
  // Whenever usage becomes known (several calls are fine: -1 counts leave the host's value).
  void usage(const Usage& u) const {
    if (seen_) seen_->merge(u);
    if (covers(offsetof(acp_event_sink, usage)) && ev_->usage) {
      const acp_usage c = u.to_c();
      ev_->usage(s_->ctx, &c);
    }
  }

 private:
  // Whether this is an event sink whose host-side struct reaches the callback at `offset`.
  bool covers(size_t offset) const { return ev_ && ev_->struct_size >= offset + sizeof(void (*)()); }

  acp_sink* s_;
  const acp_event_sink* ev_ = nullptr;
  Usage* seen_ = nullptr;
};

// Classifies an error the upstream streamed (aicore/stream_errors.hpp) and reports it on `events`;
// the caller then writes its client error event as usual.
inline void report_stream_error(const Sink& events, std::string_view type, std::string_view code,
                                std::string_view message) {
  const StreamErrorClass c = classify_stream_error(type, code, message);
  events.upstream_error(c.cls, c.http_status, type.empty() ? code : type, message);
}

class RequestOut {
 public:
  explicit RequestOut(acp_request_out* o) : o_(o) {}
  void target(std::string_view t) const {
    if (o_->set_target) o_->set_target(o_->ctx, str(t));
  }
  void method(std::string_view m) const {
    if (o_->set_method) o_->set_method(o_->ctx, str(m));
  }
  void header(std::string_view n, std::string_view v) const {
    if (o_->add_header) o_->add_header(o_->ctx, str(n), str(v));
  }
  void body(std::string_view b) const {
    if (o_->write_body) o_->write_body(o_->ctx, str(b));
  }
  void context(std::string_view c) const {
    if (o_->struct_size >= offsetof(acp_request_out, set_context) + sizeof(void*) && o_->set_context)
      o_->set_context(o_->ctx, str(c));
  }
  // Answers the client directly (no upstream call). False when the host does not offer it.
  bool respond(int http_status, std::string_view body) const {
    if (o_->struct_size < offsetof(acp_request_out, respond) + sizeof(void*) || !o_->respond) return false;
    o_->respond(o_->ctx, http_status, str(body));
    return true;
  }

 private:
  acp_request_out* o_;
};

// Read-only view of the client's headers.
class Headers {
 public:
  Headers(const acp_header* h, size_t n) : h_(h), n_(n) {}
  // Value of a header (name in lower case); empty when absent.
  std::string_view get(std::string_view name) const {
    for (size_t i = 0; i < n_; ++i)
      if (view(h_[i].name) == name) return view(h_[i].value);
    return {};
  }
  bool has(std::string_view name) const {
    for (size_t i = 0; i < n_; ++i)
      if (view(h_[i].name) == name) return true;
    return false;
  }
  size_t size() const { return n_; }
  std::string_view name(size_t i) const { return view(h_[i].name); }
  std::string_view value(size_t i) const { return view(h_[i].value); }

 private:
  const acp_header* h_;
  size_t n_;
};

struct RequestIn {
  std::string_view dialect, client_model, model, body;
  Headers headers;
  bool stream;
};

struct ResponseIn {
  std::string_view dialect, model, context;
  int status;
  std::string_view content_type, body;
};

inline RequestIn wrap(const acp_request_in* in) {
  return RequestIn{view(in->dialect),
                   view(in->client_model),
                   view(in->model),
                   view(in->body),
                   Headers(in->headers, in->header_count),
                   in->stream != 0};
}
inline ResponseIn wrap(const acp_response_in* in) {
  return ResponseIn{view(in->dialect), view(in->model),        view(in->context),
                    in->status,        view(in->content_type), view(in->body)};
}

// ---- base classes ----------------------------------------------------------------------------

// One streamed response. Used by one thread at a time; feed() receives arbitrary byte splits.
// `events` takes one complete client SSE event per write() and the typed events: end() after the
// terminator, upstream_error() before the client error event for an error the upstream streamed,
// usage() whenever usage is known.
class StreamConverter {
 public:
  virtual ~StreamConverter() = default;
  virtual void feed(std::string_view bytes, const Sink& events) = 0;
  virtual void finish(const Sink& events) = 0;
  // SDK 1.0's way to report usage (acp_provider_v1.stream_usage, for a 1.0 host's access log);
  // -1 when unknown. Optional now: counts left unknown here are answered from what the converter
  // reported through Sink::usage.
  virtual void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const {
    prompt_tokens = completion_tokens = -1;
  }
};

// A provider: one model family. Must be safe for concurrent calls (keep it immutable after
// construction). Constructed from the plugin's settings JSON ("{}" when none).
class Provider {
 public:
  virtual ~Provider() = default;
  virtual bool detect_model(std::string_view model) const = 0;
  virtual void model_candidates(std::string_view /*model*/, const Sink& /*names*/) const {}
  virtual void convert_request(const RequestIn& in, const RequestOut& out) const = 0;
  virtual void convert_response(const ResponseIn& in, const Sink& out) const = 0;
  virtual std::unique_ptr<StreamConverter> open_stream(const ResponseIn& in) const = 0;
  // Default policy lives in the host; override only to classify family-specific errors.
  virtual acp_error_class classify_error(const ResponseIn& in, const Sink& /*message*/) const {
    if (in.status == 429 || in.status >= 500) return ACP_UPSTREAM_RETRY;
    if (in.status == 401) return ACP_UPSTREAM_REAUTH;
    return ACP_UPSTREAM_FATAL;
  }
};

// The two names of a request's model, in this order wherever both are passed: `key`, the
// configured model key the host resolved (it decides the upstream's rules; the client's name when
// the host resolved none), and `client`, the name the client sent (reported back to it).
struct ModelNames {
  std::string_view key;
  std::string_view client;
  // `client` falls back to the key when the client sent none.
  static ModelNames of(const RequestIn& in) {
    const std::string_view key = in.model.empty() ? in.client_model : in.model;
    return ModelNames{key, in.client_model.empty() ? key : in.client_model};
  }
};

// What a dialect hook of DialectProvider produces for convert_request: the path and query appended
// to the deployment URL, the upstream body, and the context the host hands back unchanged on the
// response side (ResponseIn::context; keep it small).
struct UpstreamRequest {
  std::string target;
  std::string body;
  std::string context;
};

// A Provider that gives each client dialect a hook of its own, so a plugin implements only the
// dialects it serves: a hook it leaves alone answers ACP_ERR_UNSUPPORTED ("the <name> plugin does
// not serve the <dialect> dialect"). anthropic.count_tokens is answered locally, without an
// upstream call, with the body anthropic_count_tokens() returns. Whole-response hooks report the
// response's usage through `usage`; stream converters report theirs on their Sink.
class DialectProvider : public Provider {
 public:
  // `name` is the plugin's, for the messages above.
  explicit DialectProvider(std::string name) : name_(std::move(name)) {}

  void convert_request(const RequestIn& in, const RequestOut& out) const override {
    UpstreamRequest r;
    if (in.dialect == ACP_DIALECT_OPENAI_CHAT) {
      r = openai_chat_request(in);
    } else if (in.dialect == ACP_DIALECT_ANTHROPIC_MESSAGES) {
      r = anthropic_messages_request(in);
    } else if (in.dialect == ACP_DIALECT_OPENAI_EMBEDDINGS) {
      r = openai_embeddings_request(in);
    } else if (in.dialect == ACP_DIALECT_OPENAI_RESPONSES) {
      r = openai_responses_request(in);
    } else if (in.dialect == ACP_DIALECT_GEMINI_GENERATE_CONTENT) {
      r = gemini_generate_request(in);
    } else if (in.dialect == ACP_DIALECT_GEMINI_EMBED_CONTENT ||
               in.dialect == ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS) {
      r = gemini_embed_request(in);
    } else if (in.dialect == ACP_DIALECT_ANTHROPIC_COUNT_TOKENS) {
      // Estimated locally: no upstream call, no token spent (Claude Code asks often).
      return respond_locally(out, anthropic_count_tokens(in));
    } else if (in.dialect == ACP_DIALECT_OPENAI_RESPONSES_INPUT_TOKENS) {
      return respond_locally(out, openai_responses_input_tokens(in));
    } else if (in.dialect == ACP_DIALECT_GEMINI_COUNT_TOKENS) {
      return respond_locally(out, gemini_count_tokens(in));
    } else {
      unsupported(in.dialect);
    }
    out.target(r.target);
    out.body(r.body);
    out.context(r.context);
  }

  void convert_response(const ResponseIn& in, const Sink& out) const override {
    Usage usage;
    if (in.dialect == ACP_DIALECT_OPENAI_CHAT)
      out.write(openai_chat_response(in, usage));
    else if (in.dialect == ACP_DIALECT_ANTHROPIC_MESSAGES)
      out.write(anthropic_messages_response(in, usage));
    else if (in.dialect == ACP_DIALECT_OPENAI_EMBEDDINGS)
      out.write(openai_embeddings_response(in, usage));
    else if (in.dialect == ACP_DIALECT_OPENAI_RESPONSES)
      out.write(openai_responses_response(in, usage));
    else if (in.dialect == ACP_DIALECT_GEMINI_GENERATE_CONTENT)
      out.write(gemini_generate_response(in, usage));
    else if (in.dialect == ACP_DIALECT_GEMINI_EMBED_CONTENT || in.dialect == ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS)
      out.write(gemini_embed_response(in, usage));
    else
      unsupported(in.dialect);
    out.usage(usage);
  }

  std::unique_ptr<StreamConverter> open_stream(const ResponseIn& in) const override {
    if (in.dialect == ACP_DIALECT_OPENAI_CHAT) return openai_chat_stream(in);
    if (in.dialect == ACP_DIALECT_ANTHROPIC_MESSAGES) return anthropic_messages_stream(in);
    if (in.dialect == ACP_DIALECT_OPENAI_RESPONSES) return openai_responses_stream(in);
    if (in.dialect == ACP_DIALECT_GEMINI_GENERATE_CONTENT) return gemini_generate_stream(in);
    unsupported(std::string(in.dialect) + " (streaming)");
  }

 protected:
  // Client request -> upstream request, one hook per dialect.
  virtual UpstreamRequest openai_chat_request(const RequestIn& in) const { unsupported(in.dialect); }
  virtual UpstreamRequest anthropic_messages_request(const RequestIn& in) const { unsupported(in.dialect); }
  virtual UpstreamRequest openai_embeddings_request(const RequestIn& in) const { unsupported(in.dialect); }
  virtual UpstreamRequest openai_responses_request(const RequestIn& in) const { unsupported(in.dialect); }
  // gemini.generate_content: the model is in.client_model (from the path), streaming is in.stream.
  virtual UpstreamRequest gemini_generate_request(const RequestIn& in) const { unsupported(in.dialect); }
  // gemini.embed_content and gemini.batch_embed_contents (in.dialect says which); the model is
  // in.client_model, as for generate.
  virtual UpstreamRequest gemini_embed_request(const RequestIn& in) const { unsupported(in.dialect); }
  // The local answer to anthropic.count_tokens: {"input_tokens":N}.
  virtual std::string anthropic_count_tokens(const RequestIn& in) const { unsupported(in.dialect); }
  // The local answer to openai.responses.input_tokens: {"object":"response.input_tokens","input_tokens":N}.
  virtual std::string openai_responses_input_tokens(const RequestIn& in) const { unsupported(in.dialect); }
  // The local answer to gemini.count_tokens: {"totalTokens":N}.
  virtual std::string gemini_count_tokens(const RequestIn& in) const { unsupported(in.dialect); }

  // Whole upstream success body -> client body.
  virtual std::string openai_chat_response(const ResponseIn& in, Usage&) const { unsupported(in.dialect); }
  virtual std::string anthropic_messages_response(const ResponseIn& in, Usage&) const { unsupported(in.dialect); }
  virtual std::string openai_embeddings_response(const ResponseIn& in, Usage&) const { unsupported(in.dialect); }
  virtual std::string openai_responses_response(const ResponseIn& in, Usage&) const { unsupported(in.dialect); }
  virtual std::string gemini_generate_response(const ResponseIn& in, Usage&) const { unsupported(in.dialect); }
  virtual std::string gemini_embed_response(const ResponseIn& in, Usage&) const { unsupported(in.dialect); }

  // One converter per streamed response.
  virtual std::unique_ptr<StreamConverter> openai_chat_stream(const ResponseIn& in) const {
    unsupported(std::string(in.dialect) + " (streaming)");
  }
  virtual std::unique_ptr<StreamConverter> anthropic_messages_stream(const ResponseIn& in) const {
    unsupported(std::string(in.dialect) + " (streaming)");
  }
  virtual std::unique_ptr<StreamConverter> openai_responses_stream(const ResponseIn& in) const {
    unsupported(std::string(in.dialect) + " (streaming)");
  }
  virtual std::unique_ptr<StreamConverter> gemini_generate_stream(const ResponseIn& in) const {
    unsupported(std::string(in.dialect) + " (streaming)");
  }

  static void respond_locally(const RequestOut& out, const std::string& body) {
    if (!out.respond(200, body))
      throw PluginError(ACP_ERR_UNSUPPORTED, "this dialect needs a host that lets plugins answer locally",
                        "invalid_request_error");
  }

  [[noreturn]] void unsupported(std::string_view dialect) const {
    throw PluginError(ACP_ERR_UNSUPPORTED,
                      "the " + name_ + " plugin does not serve the " + std::string(dialect) + " dialect",
                      "invalid_request_error");
  }

 private:
  std::string name_;
};

class ClientAuth {
 public:
  virtual ~ClientAuth() = default;
  // Return normally when allowed; throw PluginError(ACP_ERR_UNAUTHORIZED, ...) otherwise.
  virtual void check(const Headers& headers) const = 0;
  // As check; returns the caller's configured name ("" when the key has none). ABI 1.3.
  virtual std::string identify(const Headers& headers) const {
    check(headers);
    return {};
  }
};

class UpstreamAuth {
 public:
  virtual ~UpstreamAuth() = default;
  virtual void build_token_request(std::string_view service_key_json, const RequestOut& out) const = 0;
  // Return {access_token, expires_in_seconds (<=0: unknown)}; throw on failure.
  virtual std::pair<std::string, int64_t> parse_token_response(int status, std::string_view body) const = 0;
};

// ---- thunks ----------------------------------------------------------------------------------

namespace detail {

inline void report(acp_error_sink* err, int http, std::string_view type, std::string_view msg) {
  if (err && err->set) err->set(err->ctx, http, str(type), str(msg));
}

// Runs f(); converts any exception into a status and a message on `err`.
template <class F>
acp_status guarded(acp_error_sink* err, F&& f) noexcept {
  try {
    f();
    return ACP_OK;
  } catch (const PluginError& e) {
    report(err, e.http_status, e.type, e.message);
    return e.status;
  } catch (const std::bad_alloc&) {
    report(err, 500, "api_error", "plugin ran out of memory");
    return ACP_ERR_INTERNAL;
  } catch (const std::exception& e) {
    report(err, 500, "api_error", std::string("plugin error: ") + e.what());
    return ACP_ERR_INTERNAL;
  } catch (...) {
    report(err, 500, "api_error", "plugin error: unknown exception");
    return ACP_ERR_INTERNAL;
  }
}

template <class T>
struct Handle {
  std::unique_ptr<T> impl;
};

struct StreamHandle {
  std::unique_ptr<StreamConverter> impl;
  Usage seen;  // every Sink::usage of this stream, for stream_usage
};

}  // namespace detail

template <class P>
const acp_provider_v1* provider_table() {
  static const acp_provider_v1 table = {
      sizeof(acp_provider_v1),
      // create
      [](acp_str settings, acp_adapter** out, acp_error_sink* err) -> acp_status {
        return detail::guarded(err, [&] {
          auto h = std::make_unique<detail::Handle<P>>();
          h->impl = std::make_unique<P>(view(settings));
          *out = reinterpret_cast<acp_adapter*>(h.release());
        });
      },
      // destroy
      [](acp_adapter* a) { delete reinterpret_cast<detail::Handle<P>*>(a); },
      // detect_model
      [](acp_adapter* a, acp_str model) -> int32_t {
        try {
          return reinterpret_cast<detail::Handle<P>*>(a)->impl->detect_model(view(model)) ? 1 : 0;
        } catch (...) { return 0; }
      },
      // model_candidates
      [](acp_adapter* a, acp_str model, acp_sink* names) {
        try {
          reinterpret_cast<detail::Handle<P>*>(a)->impl->model_candidates(view(model), Sink(names));
        } catch (...) {}
      },
      // convert_request
      [](acp_adapter* a, const acp_request_in* in, acp_request_out* out, acp_error_sink* err) -> acp_status {
        return detail::guarded(
            err, [&] { reinterpret_cast<detail::Handle<P>*>(a)->impl->convert_request(wrap(in), RequestOut(out)); });
      },
      // convert_response
      [](acp_adapter* a, const acp_response_in* in, acp_sink* out, acp_error_sink* err) -> acp_status {
        return detail::guarded(
            err, [&] { reinterpret_cast<detail::Handle<P>*>(a)->impl->convert_response(wrap(in), Sink::events(out)); });
      },
      // stream_open
      [](acp_adapter* a, const acp_response_in* in, acp_stream** out, acp_error_sink* err) -> acp_status {
        return detail::guarded(err, [&] {
          auto h = std::make_unique<detail::StreamHandle>();
          h->impl = reinterpret_cast<detail::Handle<P>*>(a)->impl->open_stream(wrap(in));
          if (!h->impl) throw PluginError(ACP_ERR_UNSUPPORTED, "streaming not supported");
          *out = reinterpret_cast<acp_stream*>(h.release());
        });
      },
      // stream_feed
      [](acp_stream* s, acp_str bytes, acp_sink* events, acp_error_sink* err) -> acp_status {
        return detail::guarded(err, [&] {
          auto* h = reinterpret_cast<detail::StreamHandle*>(s);
          h->impl->feed(view(bytes), Sink::events(events, &h->seen));
        });
      },
      // stream_finish
      [](acp_stream* s, acp_sink* events, acp_error_sink* err) -> acp_status {
        return detail::guarded(err, [&] {
          auto* h = reinterpret_cast<detail::StreamHandle*>(s);
          h->impl->finish(Sink::events(events, &h->seen));
        });
      },
      // stream_close
      [](acp_stream* s) { delete reinterpret_cast<detail::StreamHandle*>(s); },
      // classify_error
      [](acp_adapter* a, const acp_response_in* in, acp_sink* message) -> acp_error_class {
        try {
          return reinterpret_cast<detail::Handle<P>*>(a)->impl->classify_error(wrap(in), Sink(message));
        } catch (...) { return ACP_UPSTREAM_FATAL; }
      },
      // stream_usage
      [](acp_stream* s, int64_t* prompt, int64_t* completion) {
        int64_t p = -1, c = -1;
        auto* h = reinterpret_cast<detail::StreamHandle*>(s);
        try {
          h->impl->usage(p, c);
        } catch (...) {}
        if (p < 0) p = h->seen.input_tokens;
        if (c < 0) c = h->seen.output_tokens;
        if (prompt) *prompt = p;
        if (completion) *completion = c;
      },
  };
  return &table;
}

template <class A>
const acp_client_auth_v1* client_auth_table() {
  static const acp_client_auth_v1 table = {
      sizeof(acp_client_auth_v1),
      [](acp_str settings, acp_client_auth** out, acp_error_sink* err) -> acp_status {
        return detail::guarded(err, [&] {
          auto h = std::make_unique<detail::Handle<A>>();
          h->impl = std::make_unique<A>(view(settings));
          *out = reinterpret_cast<acp_client_auth*>(h.release());
        });
      },
      [](acp_client_auth* a) { delete reinterpret_cast<detail::Handle<A>*>(a); },
      [](acp_client_auth* a, const acp_header* headers, size_t n, acp_error_sink* err) -> acp_status {
        return detail::guarded(err, [&] { reinterpret_cast<detail::Handle<A>*>(a)->impl->check(Headers(headers, n)); });
      },
      [](acp_client_auth* a, const acp_header* headers, size_t n, acp_name_out* who,
         acp_error_sink* err) -> acp_status {
        return detail::guarded(err, [&] {
          const std::string name = reinterpret_cast<detail::Handle<A>*>(a)->impl->identify(Headers(headers, n));
          if (!name.empty()) who->set(who->ctx, acp_str{name.data(), name.size()});
        });
      },
  };
  return &table;
}

template <class U>
const acp_upstream_auth_v1* upstream_auth_table() {
  static const acp_upstream_auth_v1 table = {
      sizeof(acp_upstream_auth_v1),
      [](acp_str settings, acp_upstream_auth** out, acp_error_sink* err) -> acp_status {
        return detail::guarded(err, [&] {
          auto h = std::make_unique<detail::Handle<U>>();
          h->impl = std::make_unique<U>(view(settings));
          *out = reinterpret_cast<acp_upstream_auth*>(h.release());
        });
      },
      [](acp_upstream_auth* a) { delete reinterpret_cast<detail::Handle<U>*>(a); },
      [](acp_upstream_auth* a, acp_str key, acp_request_out* out, acp_error_sink* err) -> acp_status {
        return detail::guarded(err, [&] {
          reinterpret_cast<detail::Handle<U>*>(a)->impl->build_token_request(view(key), RequestOut(out));
        });
      },
      [](acp_upstream_auth* a, int32_t status, acp_str body, acp_token_out* out, acp_error_sink* err) -> acp_status {
        return detail::guarded(err, [&] {
          auto [token, expires] =
              reinterpret_cast<detail::Handle<U>*>(a)->impl->parse_token_response(status, view(body));
          if (out && out->set) out->set(out->ctx, str(token), expires);
        });
      },
  };
  return &table;
}

namespace detail {
// Version negotiation on the plugin side: refuse a host with another major version, or one whose
// minor version is older than the one this plugin was built against (`built_minor`, the SDK's
// ACP_ABI_VERSION_MINOR where ACP_PLUGIN is expanded): such a host lacks functions the plugin
// may call.
inline bool enter(const acp_host_api* host, const char* name, uint32_t built_minor) {
  plugin_name() = name;
  if (!host || host->struct_size < offsetof(acp_host_api, log) + sizeof(void*)) return false;
  host_api() = host;
  if (host->abi_major != ACP_ABI_VERSION_MAJOR || host->abi_minor < built_minor) {
    log(ACP_LOG_ERROR, std::string("built for ABI ") + std::to_string(ACP_ABI_VERSION_MAJOR) + "." +
                           std::to_string(built_minor) + ", host speaks " + std::to_string(host->abi_major) + "." +
                           std::to_string(host->abi_minor) + ": not loaded");
    host_api() = nullptr;
    return false;
  }
  return true;
}
}  // namespace detail

}  // namespace aicore

#define ACP_PROVIDER(Class) \
  acp_interface { ACP_IFACE_PROVIDER_V1, ::aicore::provider_table<Class>() }
#define ACP_CLIENT_AUTH(Class) \
  acp_interface { ACP_IFACE_CLIENT_AUTH_V1, ::aicore::client_auth_table<Class>() }
#define ACP_UPSTREAM_AUTH(Class) \
  acp_interface { ACP_IFACE_UPSTREAM_AUTH_V1, ::aicore::upstream_auth_table<Class>() }

// Generates the plugin's single exported entry point.
#define ACP_PLUGIN(NAME, VERSION, DESCRIPTION, ...)                                                \
  extern "C" __attribute__((visibility("default"))) const acp_plugin_descriptor* acp_plugin_entry( \
      const acp_host_api* host) {                                                                  \
    static const acp_interface acp_ifaces_[] = {__VA_ARGS__};                                      \
    static const acp_plugin_descriptor acp_desc_ = {sizeof(acp_plugin_descriptor),                 \
                                                    ACP_ABI_VERSION_MAJOR,                         \
                                                    ACP_ABI_VERSION_MINOR,                         \
                                                    NAME,                                          \
                                                    VERSION,                                       \
                                                    DESCRIPTION,                                   \
                                                    sizeof(acp_ifaces_) / sizeof(acp_ifaces_[0]),  \
                                                    acp_ifaces_};                                  \
    return ::aicore::detail::enter(host, NAME, ACP_ABI_VERSION_MINOR) ? &acp_desc_ : nullptr;      \
  }

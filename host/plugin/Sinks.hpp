// Host-side implementations of the ABI's output sinks: each copies what the plugin writes into
// host-owned memory, so no allocator crosses the boundary.
#pragma once

#include <aicore/abi.h>

#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plugin/StreamEvents.hpp"

namespace aicore::host {

inline std::string_view sv(acp_str s) { return s.ptr ? std::string_view(s.ptr, s.len) : std::string_view(); }
inline acp_str as(std::string_view s) { return acp_str{s.data(), s.size()}; }

// An error reported by a plugin call.
struct PluginFailure {
  acp_status status = ACP_OK;
  int http_status = 0;
  std::string type;
  std::string message;
};

struct ErrorSink {
  PluginFailure failure;
  acp_error_sink sink{this, [](void* ctx, int32_t http, acp_str type, acp_str msg) {
                        auto* self = static_cast<ErrorSink*>(ctx);
                        self->failure.http_status = http;
                        self->failure.type.assign(sv(type));
                        self->failure.message.assign(sv(msg));
                      }};
  ErrorSink() = default;
  ErrorSink(const ErrorSink&) = delete;
};

// Appends everything to one string.
struct StringSink {
  std::string out;
  acp_sink sink{this, [](void* ctx, acp_str b) { static_cast<StringSink*>(ctx)->out.append(sv(b)); }};
  StringSink() = default;
  StringSink(const StringSink&) = delete;
};

// One item per write().
struct ListSink {
  std::vector<std::string> items;
  acp_sink sink{this, [](void* ctx, acp_str b) { static_cast<ListSink*>(ctx)->items.emplace_back(sv(b)); }};
  ListSink() = default;
  ListSink(const ListSink&) = delete;
};

// An acp_event_sink (ABI 1.1) that hands everything to a StreamEvents. Exceptions must not cross
// into the plugin, so the first one is kept, the plugin's later calls are dropped, and the caller
// rethrows it after the plugin returns.
class EventSink {
 public:
  explicit EventSink(StreamEvents& to) : to_(to) {}
  EventSink(const EventSink&) = delete;
  // What the plugin receives as its acp_sink* (the event sink extends it by layout).
  acp_sink* raw() { return &sink_.base; }
  void rethrow() {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  template <class F>
  static void guarded(void* ctx, F&& f) {
    auto* self = static_cast<EventSink*>(ctx);
    if (self->error_) return;
    try {
      f(self->to_);
    } catch (...) { self->error_ = std::current_exception(); }
  }

  StreamEvents& to_;
  std::exception_ptr error_;
  acp_event_sink sink_{
      {this, [](void* c, acp_str b) { guarded(c, [&](StreamEvents& to) { to.event(sv(b)); }); }},
      sizeof(acp_event_sink),
      [](void* c) { guarded(c, [](StreamEvents& to) { to.end(); }); },
      [](void* c, acp_error_class cls, int32_t status, acp_str type, acp_str message) {
        guarded(c, [&](StreamEvents& to) {
          UpstreamError e{cls, status, std::string(sv(type)), std::string(sv(message))};
          if (e.message.empty()) e.message = "upstream error event (" + e.type + ")";
          to.upstream_error(e);
        });
      },
      [](void* c, const acp_usage* u) {
        guarded(c, [&](StreamEvents& to) {
          if (u) to.usage(Usage::from_c(*u));
        });
      },
  };
};

// What convert_request / build_token_request produced.
struct UpstreamRequest {
  std::string target;  // path+query appended to the deployment URL, or an absolute URL
  std::string method = "POST";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string context;
  int local_status = 0;  // > 0: the plugin answered itself (respond); no upstream call
  std::string local_body;
};

struct RequestSink {
  UpstreamRequest req;
  acp_request_out out{
      sizeof(acp_request_out),
      this,
      [](void* c, acp_str t) { static_cast<RequestSink*>(c)->req.target.assign(sv(t)); },
      [](void* c, acp_str m) { static_cast<RequestSink*>(c)->req.method.assign(sv(m)); },
      [](void* c, acp_str n, acp_str v) { static_cast<RequestSink*>(c)->req.headers.emplace_back(sv(n), sv(v)); },
      [](void* c, acp_str b) { static_cast<RequestSink*>(c)->req.body.append(sv(b)); },
      [](void* c, acp_str x) { static_cast<RequestSink*>(c)->req.context.assign(sv(x)); },
      [](void* c, int32_t status, acp_str body) {
        auto* self = static_cast<RequestSink*>(c);
        self->req.local_status = status;
        self->req.local_body.assign(sv(body));
      },
  };
  RequestSink() = default;
  RequestSink(const RequestSink&) = delete;
};

}  // namespace aicore::host

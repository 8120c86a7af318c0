// Host-side implementations of the ABI's output sinks: each copies what the plugin writes into
// host-owned memory, so no allocator crosses the boundary.
#pragma once

#include <aicore/abi.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Calls a function per write() (stream events). Exceptions must not cross into the plugin, so
// the first one is kept and rethrown by the caller after the plugin returns.
struct CallbackSink {
  std::function<void(std::string_view)> fn;
  std::exception_ptr error;
  acp_sink sink{this, [](void* ctx, acp_str b) {
                  auto* self = static_cast<CallbackSink*>(ctx);
                  if (self->error) return;
                  try {
                    self->fn(sv(b));
                  } catch (...) {
                    self->error = std::current_exception();
                  }
                }};
  explicit CallbackSink(std::function<void(std::string_view)> f) : fn(std::move(f)) {}
  CallbackSink(const CallbackSink&) = delete;
  void rethrow() {
    if (error) std::rethrow_exception(error);
  }
};

// What convert_request / build_token_request produced.
struct UpstreamRequest {
  std::string target;  // path+query appended to the deployment URL, or an absolute URL
  std::string method = "POST";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string context;
  int local_status = 0;     // > 0: the plugin answered itself (respond); no upstream call
  std::string local_body;
};

struct RequestSink {
  UpstreamRequest req;
  acp_request_out out{
      sizeof(acp_request_out), this,
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

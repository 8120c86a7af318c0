// A provider plugin driven through its C ABI table exactly as the host drives it
// (aicore::provider_table<P>(), the exception-catching thunks included), with sinks that keep what
// it writes. Shared by the fuzz targets (tests/fuzz) and the plugins' robustness tests, so both
// see what the host would see: a status and a message, never an exception.
#pragma once

#include <aicore/abi.h>
#include <aicore/plugin.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace test_support {

// A silent host: plugins log through it and read its clock.
inline void install_quiet_host() {
  static acp_host_api api{};
  api.struct_size = sizeof(acp_host_api);
  api.abi_major = ACP_ABI_VERSION_MAJOR;
  api.abi_minor = ACP_ABI_VERSION_MINOR;
  api.log = [](acp_log_level, acp_str, acp_str) {};
  api.unix_time = [] { return int64_t{1700000000}; };
  aicore::detail::host_api() = &api;
}

struct Error {
  bool set = false;
  int http = 0;
  std::string type, message;
  acp_error_sink sink{this, [](void* c, int32_t http, acp_str type, acp_str msg) {
                        auto* e = static_cast<Error*>(c);
                        e->set = true;
                        e->http = http;
                        e->type.assign(aicore::view(type));
                        e->message.assign(aicore::view(msg));
                      }};
};

struct Collect {
  std::vector<std::string> items;
  acp_sink sink{this, [](void* c, acp_str b) { static_cast<Collect*>(c)->items.emplace_back(aicore::view(b)); }};
  std::string joined() const {
    std::string s;
    for (const auto& i : items) s += i;
    return s;
  }
};

struct Request {
  std::string target, method, body, context, respond_body;
  int respond_status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  acp_request_out out{
      sizeof(acp_request_out), this,
      [](void* c, acp_str t) { static_cast<Request*>(c)->target.assign(aicore::view(t)); },
      [](void* c, acp_str m) { static_cast<Request*>(c)->method.assign(aicore::view(m)); },
      [](void* c, acp_str n, acp_str v) {
        static_cast<Request*>(c)->headers.emplace_back(std::string(aicore::view(n)), std::string(aicore::view(v)));
      },
      [](void* c, acp_str b) { static_cast<Request*>(c)->body.append(aicore::view(b)); },
      [](void* c, acp_str x) { static_cast<Request*>(c)->context.assign(aicore::view(x)); },
      [](void* c, int32_t status, acp_str b) {
        auto* r = static_cast<Request*>(c);
        r->respond_status = status;
        r->respond_body.assign(aicore::view(b));
      }};
};

// One adapter of provider P (created with `settings`), as a host holds it.
template <class P>
class Adapter {
 public:
  explicit Adapter(std::string_view settings) : t_(aicore::provider_table<P>()) {
    install_quiet_host();
    Error err;
    if (t_->create(aicore::str(settings), &a_, &err.sink) != ACP_OK)
      throw std::runtime_error("adapter settings rejected: " + err.message);
  }
  ~Adapter() { t_->destroy(a_); }

  acp_status convert_request(std::string_view dialect, std::string_view client_model, std::string_view model,
                             std::string_view body, bool stream, Request& out, Error& err) const {
    static const acp_header hdrs[] = {{aicore::str("content-type"), aicore::str("application/json")},
                                      {aicore::str("anthropic-version"), aicore::str("2023-06-01")}};
    acp_request_in in{sizeof(acp_request_in), aicore::str(dialect), aicore::str(client_model), aicore::str(model),
                      aicore::str(body), hdrs, 2, stream ? 1 : 0};
    return t_->convert_request(a_, &in, &out.out, &err.sink);
  }

  acp_status convert_response(std::string_view dialect, std::string_view model, std::string_view context, int status,
                              std::string_view body, Collect& out, Error& err) const {
    acp_response_in in = response_in(dialect, model, context, status, body);
    return t_->convert_response(a_, &in, &out.sink, &err.sink);
  }

  acp_error_class classify(std::string_view dialect, std::string_view model, int status, std::string_view body,
                           Collect& message) const {
    acp_response_in in = response_in(dialect, model, {}, status, body);
    return t_->classify_error(a_, &in, &message.sink);
  }

  // A stream as the host runs it: open, feed each piece, finish unless a feed failed, close.
  struct StreamResult {
    std::vector<std::string> events;
    acp_status status = ACP_OK;  // the first failure, or ACP_OK
    std::string message;
    bool failed_in_finish = false;
  };
  StreamResult stream(std::string_view dialect, std::string_view model, std::string_view context,
                      const std::vector<std::string_view>& pieces) const {
    StreamResult r;
    acp_response_in in = response_in(dialect, model, context, 200, {});
    acp_stream* s = nullptr;
    Error err;
    r.status = t_->stream_open(a_, &in, &s, &err.sink);
    if (r.status != ACP_OK) {
      r.message = err.message;
      return r;
    }
    Collect events;
    for (auto piece : pieces) {
      Error e;
      acp_status st = t_->stream_feed(s, aicore::str(piece), &events.sink, &e.sink);
      if (st != ACP_OK) {
        r.status = st;
        r.message = e.message;
        break;
      }
    }
    if (r.status == ACP_OK) {
      Error e;
      acp_status st = t_->stream_finish(s, &events.sink, &e.sink);
      if (st != ACP_OK) {
        r.status = st;
        r.message = e.message;
        r.failed_in_finish = true;
      }
    }
    int64_t p = 0, c = 0;
    if (t_->stream_usage) t_->stream_usage(s, &p, &c);
    t_->stream_close(s);
    r.events = std::move(events.items);
    return r;
  }

 private:
  static acp_response_in response_in(std::string_view dialect, std::string_view model, std::string_view context,
                                     int status, std::string_view body) {
    return acp_response_in{sizeof(acp_response_in), aicore::str(dialect), aicore::str(model), aicore::str(context),
                           status, aicore::str("application/json"), aicore::str(body)};
  }
  const acp_provider_v1* t_;
  acp_adapter* a_ = nullptr;
};

}  // namespace test_support

// What a provider plugin's ABI test needs to play the host: a host API whose log lines are kept,
// an error sink and a request-out table that record what the plugin wrote, and acp_str views.
// Each plugin's abi_test.cpp dlopens its built module and drives it with these.
#pragma once

#include <aicore/abi.h>
#include <aicore/plugin.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace plugin_test::abi {

inline std::vector<std::string>& host_log() {
  static std::vector<std::string> l;
  return l;
}

// ABI-current host: log lines go to host_log() as "<level> <plugin>: <message>"; the clock is pinned.
inline const acp_host_api* good_host() {
  static const acp_host_api api = {
      sizeof(acp_host_api), ACP_ABI_VERSION_MAJOR, ACP_ABI_VERSION_MINOR,
      [](acp_log_level level, acp_str plugin, acp_str message) {
        host_log().push_back(std::to_string(level) + " " + std::string(aicore::view(plugin)) + ": " +
                             std::string(aicore::view(message)));
      },
      [] { return int64_t{1700000000}; },
      /*event_sinks=*/0,
      /*error_classes=*/ACP_UPSTREAM_TOO_LONG};
  return &api;
}

// The same host with a table that ends before error_classes (a host that does not know
// ACP_UPSTREAM_TOO_LONG): plugins must classify a prompt too long as FATAL for it.
inline const acp_host_api* host_without_error_classes() {
  static const acp_host_api api = [] {
    acp_host_api a = *good_host();
    a.struct_size = offsetof(acp_host_api, error_classes);
    return a;
  }();
  return &api;
}

struct ErrorSink {
  int http = -1;
  std::string type, message;
  acp_error_sink raw{this, [](void* c, int32_t http, acp_str type, acp_str msg) {
                       auto* self = static_cast<ErrorSink*>(c);
                       self->http = http;
                       self->type = aicore::view(type);
                       self->message = aicore::view(msg);
                     }};
};

// acp_request_out recording target, body, context and a local answer (respond); no headers.
struct Out {
  std::string target, body, context, local;
  int local_status = 0;
  acp_request_out raw{sizeof(acp_request_out), this,
                      [](void* c, acp_str s) { static_cast<Out*>(c)->target = aicore::view(s); },
                      nullptr,
                      nullptr,
                      [](void* c, acp_str s) { static_cast<Out*>(c)->body += aicore::view(s); },
                      [](void* c, acp_str s) { static_cast<Out*>(c)->context = aicore::view(s); },
                      [](void* c, int32_t status, acp_str b) {
                        static_cast<Out*>(c)->local_status = status;
                        static_cast<Out*>(c)->local = aicore::view(b);
                      }};
};

inline acp_str s(std::string_view v) { return aicore::str(v); }

}  // namespace plugin_test::abi

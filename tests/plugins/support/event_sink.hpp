// Plays a host that passes acp_event_sinks (ABI 1.1) to a provider's converters, and records what
// they report: every call in order as text, plus the usage merged as the host merges it.
#pragma once

#include <aicore/abi.h>
#include <aicore/plugin.hpp>

#include <string>
#include <vector>

namespace plugin_test {

class EventLog {
 public:
  // Installs a host that announces event sinks for the log's lifetime.
  EventLog() {
    api_.struct_size = sizeof(acp_host_api);
    api_.abi_major = ACP_ABI_VERSION_MAJOR;
    api_.abi_minor = ACP_ABI_VERSION_MINOR;
    api_.log = [](acp_log_level, acp_str, acp_str) {};
    api_.unix_time = [] { return int64_t{1700000000}; };
    api_.event_sinks = 1;
    previous_ = aicore::detail::host_api();
    aicore::detail::host_api() = &api_;
  }
  ~EventLog() { aicore::detail::host_api() = previous_; }
  EventLog(const EventLog&) = delete;

  // The sink a converter receives from such a host.
  aicore::Sink sink() { return aicore::Sink::events(&raw_.base); }

  // "event", "end", "upstream_error <class> <status> <type>", "usage": one per call, in order.
  std::vector<std::string> calls;
  std::vector<std::string> events;  // the client events written
  aicore::Usage usage;              // every usage() merged
  std::string error_message;        // of the last upstream_error

  int count(const std::string& call) const {
    int n = 0;
    for (const auto& c : calls) n += c == call;
    return n;
  }

 private:
  static EventLog& self(void* ctx) { return *static_cast<EventLog*>(ctx); }

  acp_host_api api_{};
  const acp_host_api* previous_ = nullptr;
  acp_event_sink raw_{
      {this,
       [](void* c, acp_str b) {
         self(c).calls.push_back("event");
         self(c).events.emplace_back(aicore::view(b));
       }},
      sizeof(acp_event_sink),
      [](void* c) { self(c).calls.push_back("end"); },
      [](void* c, acp_error_class cls, int32_t status, acp_str type, acp_str message) {
        self(c).calls.push_back("upstream_error " + std::to_string(cls) + " " + std::to_string(status) + " " +
                                std::string(aicore::view(type)));
        self(c).error_message = aicore::view(message);
      },
      [](void* c, const acp_usage* u) {
        self(c).calls.push_back("usage");
        self(c).usage.merge(aicore::Usage::from_c(*u));
      },
  };
};

}  // namespace plugin_test

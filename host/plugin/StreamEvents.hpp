// What a provider plugin tells the request path about one converted response, as typed values:
// the client's events, where the stream ends, an error the upstream streamed, the token usage.
// Plugins built for ABI 1.1 report these through acp_event_sink; for 1.0 plugins the host derives
// them from the text (LegacyEvents.hpp). Either way the request path never re-reads plugin output
// for meaning.
#pragma once

#include <aicore/abi.h>
#include <aicore/usage.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace aicore::host {

using aicore::Usage;  // aicore/usage.hpp: what plugins report, in acp_usage's convention

// An error the upstream reported inside its 200 stream, as the plugin classified it.
struct UpstreamError {
  acp_error_class cls = ACP_UPSTREAM_FATAL;
  int status = 502;     // what it stands for: 429, 503, 502, or the client's 4xx
  std::string type;     // the upstream's error type or code; may be empty
  std::string message;  // never empty
};

// The receiving side. Called on the thread that runs the plugin call, during it; an exception
// thrown here is held back and rethrown once the plugin call has returned (it never crosses the
// plugin), and the plugin's later calls are then dropped.
class StreamEvents {
 public:
  virtual ~StreamEvents() = default;
  // One complete SSE event for the client (streams), or a fragment of the body (whole responses).
  virtual void event(std::string_view bytes) = 0;
  // The event just given ended the client's stream; nothing follows.
  virtual void end() {}
  // The upstream streamed an error; the plugin's client error event for it comes next.
  virtual void upstream_error(const UpstreamError&) {}
  // Usage learned so far; counts of -1 leave what was known.
  virtual void usage(const Usage&) {}
};

// StreamEvents from functions, for callers that handle a few of them in place.
struct StreamCallbacks final : StreamEvents {
  std::function<void(std::string_view)> on_event;
  std::function<void()> on_end;
  std::function<void(const UpstreamError&)> on_upstream_error;
  std::function<void(const Usage&)> on_usage;

  void event(std::string_view bytes) override {
    if (on_event) on_event(bytes);
  }
  void end() override {
    if (on_end) on_end();
  }
  void upstream_error(const UpstreamError& e) override {
    if (on_upstream_error) on_upstream_error(e);
  }
  void usage(const Usage& u) override {
    if (on_usage) on_usage(u);
  }
};

}  // namespace aicore::host

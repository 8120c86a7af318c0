// Writes one streamed answer to the client, from the plugin's typed events (ABI 1.1; the host's
// plugin wrapper derives them for 1.0 plugins). The response head goes out lazily, with the first
// event, so that anything going wrong before it (an upstream error, a retryable upstream error the
// plugin reports before any event, broken plugin output) can still fail over or become a plain
// JSON error. Afterwards each event is written and flushed as the plugin emits it. Nothing here
// throws: what happened is state the attempt reads when the plugin call returns.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <aicore/sse.hpp>

#include "pipeline/Exchange.hpp"
#include "plugin/StreamEvents.hpp"

namespace aicore::host {

class StreamRelay final : public StreamEvents {
 public:
  explicit StreamRelay(Exchange& x) : x_(x) {}

  // One or more complete client events from the plugin.
  void event(std::string_view events) override;
  // The event just written ended the client's stream: nothing may follow.
  void end() override;
  // A retryable one before anything reached the client makes the attempt fail over.
  void upstream_error(const UpstreamError& e) override;
  void usage(const Usage& u) override { x_.rec.record_usage(u); }
  // Ends a started stream with the host's own error event, unless it has ended already.
  void end_with_error(int status, const std::string& message);

  // False once nothing more should be fed: the client left, the first event was a retryable
  // upstream error, or the plugin's output broke the framing.
  bool accepting() const { return !gone_ && !leading_ && !bad_; }
  bool started() const { return out_ != nullptr; }
  bool ended() const { return ended_; }
  bool client_gone() const { return gone_; }
  const std::optional<UpstreamError>& leading_error() const { return leading_; }
  const std::optional<PluginFailure>& bad_output() const { return bad_; }

 private:
  void start_();
  void write_(std::string_view bytes);
  void write_array_items_(std::string_view events);

  Exchange& x_;
  std::ostream* out_ = nullptr;
  int64_t events_sent_ = 0;  // plugin writes relayed (one event each in the Responses dialect)
  bool ended_ = false;       // the client got the stream's end event: nothing may follow
  bool gone_ = false;
  SseParser array_items_;  // x_.json_array: the plugin's events, read to write their data as array items
  std::optional<UpstreamError> leading_;
  std::optional<PluginFailure> bad_;
};

}  // namespace aicore::host

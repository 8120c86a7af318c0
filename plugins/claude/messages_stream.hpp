// Anthropic events (from either Bedrock stream format) -> the Anthropic SSE the SDKs and Claude Code
// read: `event: <type>\ndata: <json>\n\n`, one Sink::write per event, in upstream order. Events
// Bedrock sent untouched are forwarded with their own bytes.
//
// Usage is reported (Sink::usage) as message_start and message_delta bring it; message_stop is
// followed by Sink::end. An upstream `error` event is classified and reported
// (Sink::upstream_error), forwarded and ends the stream (finish() then adds nothing). A stream
// that ends after message_delta but without message_stop is complete but for the marker: finish()
// adds it. One that ends earlier is truncated: finish() throws aicore::upstream_error, and the host
// ends the client's stream with an `event: error` (or fails over, if nothing was sent yet).
#pragma once

#include "anthropic_events.hpp"

#include <aicore/plugin.hpp>

#include <memory>

namespace aicore::claude {

class MessagesStreamConverter final : public StreamConverter {
 public:
  explicit MessagesStreamConverter(std::unique_ptr<EventSource> source) : source_(std::move(source)) {}

  void feed(std::string_view bytes, const Sink& events) override;
  void finish(const Sink& events) override;
  // prompt = input + cache_read + cache_creation tokens; completion = output tokens.
  void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const override;

 private:
  void on_event(AnthropicEvent&& e, const Sink& events);
  void note_usage(const Json& usage, const Sink& events);

  std::unique_ptr<EventSource> source_;
  bool stopped_ = false;  // message_stop forwarded
  bool failed_ = false;   // an error event forwarded
  bool finished_ = false;
  bool delta_seen_ = false;  // message_delta forwarded: only message_stop may be missing
  int64_t input_ = -1, cache_read_ = 0, cache_creation_ = 0, output_ = -1;
};

}  // namespace aicore::claude

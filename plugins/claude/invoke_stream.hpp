// Bedrock /invoke-with-response-stream, read as SAP serves it to a plain HTTP client (reference
// §3.1 "mode A"): `data: {json}` events, each an Anthropic stream event. Produces the events in
// order with Bedrock's additions removed:
//  - "amazon-bedrock-invocationMetrics" (on message_stop) is stripped;
//  - {"bytes":"<base64>"} envelopes (an event-stream chunk relayed as JSON) are unwrapped;
//  - an exception object ({"message":…} with no "type", or {"error":…}) becomes an Anthropic
//    `error` event;
//  - `[DONE]`, comments and empty data are ignored.
// Events nothing was removed from keep their upstream bytes (AnthropicEvent::raw).
#pragma once

#include "anthropic_events.hpp"

#include <aicore/sse.hpp>

#include <cstdint>

namespace aicore::claude {

class InvokeEventSource final : public EventSource {
 public:
  void feed(std::string_view bytes, const OnEvent& on_event) override;
  void finish(const OnEvent& on_event) override;

  // Token counts from amazon-bedrock-invocationMetrics (-1 when absent), a fallback for usage.
  int64_t metrics_input_tokens() const { return metrics_in_; }
  int64_t metrics_output_tokens() const { return metrics_out_; }

 private:
  void on_sse(const SseEvent& e, const OnEvent& on_event);

  SseParser parser_;
  int64_t metrics_in_ = -1, metrics_out_ = -1;
};

}  // namespace aicore::claude

#pragma once
// Server-sent events over chunked HTTP: one write + flush per event, so clients see each event as
// its own chunk, with the configured pause between events and armed drop/reset faults honoured.
#include "exchange.hpp"

#include <ostream>
#include <string_view>

namespace aicore::emulator {

class SseWriter {
 public:
  SseWriter(Exchange& ex, std::string_view contentType = "text/event-stream; charset=utf-8");

  // Writes "data: <payload>\n\n". Returns false once the stream is dead (client gone or an
  // injected abort fired); callers should then stop producing events.
  bool data(std::string_view payload);
  // Ends an OpenAI-style stream with "data: [DONE]". An armed abort fires instead, so a dropped
  // stream never carries its terminator even if it had fewer events than after_events.
  bool done();
  // Ends a stream that has no terminator event (Bedrock, Vertex): fires an armed abort, if any.
  void finish();

  int eventsWritten() const { return events_; }

 private:
  bool beforeEvent();

  Exchange& ex_;
  std::ostream& out_;
  int delayMs_;
  int events_ = 0;
  bool dead_ = false;
};

}  // namespace aicore::emulator

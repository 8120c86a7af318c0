#include "sse_writer.hpp"

#include "emulator.hpp"

#include <chrono>
#include <thread>

namespace aicore::emulator {

SseWriter::SseWriter(Exchange& ex, std::string_view contentType)
    : ex_(ex), out_(ex.startStream(contentType)), delayMs_(ex.emu.options.chunkDelayMs) {}

bool SseWriter::beforeEvent() {
  if (dead_) return false;
  if (ex_.pendingAbort && events_ >= ex_.pendingAbort->afterEvents) {
    ex_.abortConnection(ex_.pendingAbort->reset);
    dead_ = true;
    return false;
  }
  if (events_ > 0 && delayMs_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delayMs_));
  return true;
}

bool SseWriter::data(std::string_view payload) {
  if (!beforeEvent()) return false;
  std::string event;
  event.reserve(payload.size() + 8);
  event.append("data: ").append(payload).append("\n\n");
  ++events_;
  if (!ex_.writeEvent(out_, event)) dead_ = true;  // the client went away, or a truncate fault
  return !dead_;
}

bool SseWriter::done() {
  if (ex_.pendingAbort && ex_.pendingAbort->afterDone && !dead_) {
    // The client has the whole stream; the connection dies before its last chunk.
    const bool sent = data("[DONE]");
    ex_.abortConnection(ex_.pendingAbort->reset);
    dead_ = true;
    return sent;
  }
  if (ex_.pendingAbort && !dead_) {
    ex_.abortConnection(ex_.pendingAbort->reset);
    dead_ = true;
    return false;
  }
  return data("[DONE]");
}

void SseWriter::finish() {
  if (ex_.pendingAbort && !dead_) {
    ex_.abortConnection(ex_.pendingAbort->reset);
    dead_ = true;
  }
}

}  // namespace aicore::emulator

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
  out_.write("data: ", 6);
  out_.write(payload.data(), static_cast<std::streamsize>(payload.size()));
  out_.write("\n\n", 2);
  out_.flush();
  ++events_;
  if (!out_.good()) dead_ = true;  // the client went away
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

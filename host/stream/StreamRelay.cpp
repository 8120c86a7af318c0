#include "stream/StreamRelay.hpp"

#include "server/PluginOutput.hpp"

namespace aicore::host {

void StreamRelay::event(std::string_view events) {
  if (!accepting()) return;
  if (auto bad = sse_events_problem(events)) {
    bad_ = PluginFailure{ACP_ERR_INTERNAL, 0, "api_error",
                         "plugin " + x_.rec.plugin + " wrote a malformed stream event: " + *bad};
    return;
  }
  if (!started()) start_();
  if (x_.json_array) return write_array_items_(events);
  ++events_sent_;
  write_(events);
}

void StreamRelay::end() {
  // The JSON array the Gemini API streams without ?alt=sse closes when the stream does.
  if (x_.json_array && !ended_ && accepting()) {
    if (!started()) start_();
    write_(events_sent_ == 0 ? "[]" : "\n]");
  }
  ended_ = true;
}

// Gemini's stream without ?alt=sse: `[{…}\n,\r\n{…}\n]`, each element one event's data.
void StreamRelay::write_array_items_(std::string_view events) {
  std::string out;
  array_items_.feed(events, [&](const SseEvent& e) {
    if (e.data.empty()) return;
    out += events_sent_++ == 0 ? "[" : "\n,\r\n";
    out += e.data;
  });
  if (!out.empty()) write_(out);
}

void StreamRelay::upstream_error(const UpstreamError& e) {
  // The plugin's error event that follows is dropped (accepting() is false): nothing was sent.
  if (!started() && accepting() && e.cls != ACP_UPSTREAM_FATAL) leading_ = e;
}

void StreamRelay::end_with_error(int status, const std::string& message) {
  if (!started() || ended_ || gone_) return;
  if (x_.json_array)
    write_((events_sent_ == 0 ? "[" : "\n,\r\n") + error_body(x_.dialect.family, status, message) + "\n]");
  else
    write_(stream_error_event(x_.dialect, status, message, events_sent_));
  ended_ = true;
}

void StreamRelay::start_() {
  auto& resp = x_.resp;
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setChunkedTransferEncoding(true);
  resp.setContentType(x_.json_array ? "application/json" : "text/event-stream");
  resp.set("Cache-Control", "no-cache");
  resp.set("X-Accel-Buffering", "no");
  out_ = &resp.send();
  if (x_.deadline) x_.deadline->active = false;  // from here on only the read timeout bounds the stream
  x_.rec.status = 200;
  x_.rec.mark_first_byte();
}

void StreamRelay::write_(std::string_view bytes) {
  out_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out_->flush();
  if (!out_->good()) gone_ = true;
}

}  // namespace aicore::host

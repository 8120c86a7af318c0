// Incremental Server-Sent Events parsing and framing for stream converters.
//
// SseParser accepts arbitrary byte splits (a converter's feed() may receive half a line, or ten
// events at once) and yields complete events. It follows the WHATWG rules that matter for
// upstreams: LF, CRLF or CR line ends; `field: value` with one optional space; multi-line data
// joined by '\n'; comment lines (":") ignored; an event is dispatched at a blank line. Upstreams
// that omit the final blank line are handled by finish(), which dispatches what is pending.
//
// Bounded and linear: each byte is searched for a line end once, however the bytes are split (a
// 16 MiB line that arrives in 16 KiB reads used to be rescanned from its start on every read,
// seconds of CPU), and a line or an event larger than max_event_bytes is the upstream's error
// (PluginError ACP_ERR_UPSTREAM, so the host fails over or ends the stream) instead of memory
// that grows without end.
#pragma once

#include <aicore/plugin.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace aicore {

struct SseEvent {
  std::string event;  // empty when the upstream sent no `event:` line
  std::string data;
  bool has_data = false;
};

class SseParser {
 public:
  // The largest line, and the largest event (its data lines joined), a stream may carry.
  static constexpr size_t kDefaultMaxEventBytes = size_t(16) << 20;

  explicit SseParser(size_t max_event_bytes = kDefaultMaxEventBytes) : max_(max_event_bytes) {}

  // Feeds bytes; calls on_event(const SseEvent&) for each complete event. Throws PluginError
  // (ACP_ERR_UPSTREAM) when a line or an event exceeds max_event_bytes.
  template <class F>
  void feed(std::string_view bytes, F&& on_event) {
    buf_.append(bytes);
    size_t start = 0;
    size_t i = scan_;  // buf_[0, scan_) was searched by an earlier feed() and holds no line end
    const size_t n = buf_.size();
    for (;;) {
      // A plain loop: find_first_of with a two-character set calls memchr once per byte, which
      // was a third of a pass-through stream's instructions (callgrind, bench/profile.sh --stream).
      const size_t from = i;
      while (i < n && buf_[i] != '\n' && buf_[i] != '\r') ++i;
      examined_ += i - from;
      if (i == n) break;
      // A CR at the very end may be the first half of CRLF: wait for the next byte.
      if (buf_[i] == '\r' && i + 1 == n) break;
      std::string_view line(buf_.data() + start, i - start);
      size_t next = i + 1;
      if (buf_[i] == '\r' && buf_[i + 1] == '\n') next = i + 2;
      line_(line, on_event);
      start = next;
      i = next;
    }
    buf_.erase(0, start);
    scan_ = i - start;
    if (buf_.size() > max_) too_large_("line");
  }

  // End of input: a trailing line without terminator and a pending event are dispatched.
  template <class F>
  void finish(F&& on_event) {
    scan_ = 0;
    if (!buf_.empty()) {
      std::string rest;
      rest.swap(buf_);
      if (!rest.empty() && rest.back() == '\r') rest.pop_back();
      line_(rest, on_event);
    }
    dispatch_(on_event);
  }

  // True when bytes of an unfinished event are buffered (a truncated stream).
  bool pending() const { return !buf_.empty() || cur_.has_data || !cur_.event.empty(); }

  // Bytes searched for line ends so far: at most the bytes fed, whatever the splits (the
  // linear-time property, checked by the SDK's tests without a clock).
  size_t bytes_examined() const { return examined_; }

 private:
  template <class F>
  void line_(std::string_view line, F& on_event) {
    if (line.empty()) {
      dispatch_(on_event);
      return;
    }
    if (line[0] == ':') return;  // comment
    size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
      value = line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
      if (cur_.data.size() + value.size() + 1 > max_) too_large_("event");
      if (cur_.has_data) cur_.data.push_back('\n');
      cur_.data.append(value);
      cur_.has_data = true;
    } else if (field == "event") {
      cur_.event.assign(value);
    }
    // id:, retry: and unknown fields carry nothing a converter needs.
  }

  template <class F>
  void dispatch_(F& on_event) {
    if (cur_.has_data || !cur_.event.empty()) on_event(static_cast<const SseEvent&>(cur_));
    cur_.event.clear();
    cur_.data.clear();
    cur_.has_data = false;
  }

  [[noreturn]] void too_large_(const char* what) {
    // Free what was buffered: the stream is over for this converter.
    std::string().swap(buf_);
    std::string().swap(cur_.data);
    scan_ = 0;
    throw upstream_error(std::string("upstream stream: an SSE ") + what + " exceeds " + std::to_string(max_) +
                         " bytes");
  }

  size_t max_;
  std::string buf_;
  size_t scan_ = 0;
  size_t examined_ = 0;
  SseEvent cur_;
};

// `data: <payload>\n\n` — OpenAI-style events. Payloads must not contain raw newlines (JSON
// serialisers escape them).
inline std::string sse_data(std::string_view payload) {
  std::string s;
  s.reserve(payload.size() + 8);
  s.append("data: ").append(payload).append("\n\n");
  return s;
}

// `event: <name>\ndata: <payload>\n\n` — Anthropic-style events.
inline std::string sse_event(std::string_view name, std::string_view payload) {
  std::string s;
  s.reserve(name.size() + payload.size() + 17);
  s.append("event: ").append(name).append("\ndata: ").append(payload).append("\n\n");
  return s;
}

}  // namespace aicore

// Incremental Server-Sent Events parsing and framing for stream converters.
//
// SseParser accepts arbitrary byte splits (a converter's feed() may receive half a line, or ten
// events at once) and yields complete events. It follows the WHATWG rules that matter for
// upstreams: LF, CRLF or CR line ends; `field: value` with one optional space; multi-line data
// joined by '\n'; comment lines (":") ignored; an event is dispatched at a blank line. Upstreams
// that omit the final blank line are handled by finish(), which dispatches what is pending.
#pragma once

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
  // Feeds bytes; calls on_event(const SseEvent&) for each complete event.
  template <class F>
  void feed(std::string_view bytes, F&& on_event) {
    buf_.append(bytes);
    size_t start = 0;
    for (;;) {
      // A plain loop: find_first_of with a two-character set calls memchr once per byte, which
      // was a third of a pass-through stream's instructions (callgrind, bench/profile.sh --stream).
      size_t i = start;
      const size_t n = buf_.size();
      while (i < n && buf_[i] != '\n' && buf_[i] != '\r') ++i;
      if (i == n) break;
      // A CR at the very end may be the first half of CRLF: wait for the next byte.
      if (buf_[i] == '\r' && i + 1 == buf_.size()) break;
      std::string_view line(buf_.data() + start, i - start);
      size_t next = i + 1;
      if (buf_[i] == '\r' && buf_[i + 1] == '\n') next = i + 2;
      line_(line, on_event);
      start = next;
    }
    buf_.erase(0, start);
  }

  // End of input: a trailing line without terminator and a pending event are dispatched.
  template <class F>
  void finish(F&& on_event) {
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

  std::string buf_;
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

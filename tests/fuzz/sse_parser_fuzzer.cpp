// The SDK's incremental SSE parser (sdk/include/aicore/sse.hpp), which every stream converter
// feeds with whatever byte splits the upstream connection delivers.
//
// Properties: the events are the same however the bytes are split (whole, byte by byte,
// pseudo-random cuts) and equal to a plain whole-text reading of the WHATWG rules the header
// documents (LF, CRLF or CR line ends; "field: value" with one optional space; data lines joined by
// '\n'; comments ignored; dispatch at a blank line and, via finish(), at the end of input).
#include "fuzz_support.hpp"

#include <aicore/sse.hpp>

namespace {

struct Ev {
  std::string event, data;
  bool has_data;
  bool operator==(const Ev&) const = default;
};

std::vector<Ev> parse_pieces(const std::vector<std::string_view>& pieces, bool* pending_before_finish) {
  aicore::SseParser p;
  std::vector<Ev> out;
  auto on = [&](const aicore::SseEvent& e) { out.push_back({e.event, e.data, e.has_data}); };
  for (auto piece : pieces) p.feed(piece, on);
  if (pending_before_finish) *pending_before_finish = p.pending();
  p.finish(on);
  FUZZ_CHECK(!p.pending(), "pending() after finish()");
  return out;
}

// The reference: split the whole text into lines first, then apply the field rules.
std::vector<Ev> reference(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      lines.push_back(text.substr(start, i - start));
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  lines.push_back({});  // end of input dispatches what is pending

  std::vector<Ev> out;
  Ev cur{"", "", false};
  for (auto line : lines) {
    if (line.empty()) {
      if (cur.has_data || !cur.event.empty()) out.push_back(cur);
      cur = Ev{"", "", false};
      continue;
    }
    if (line[0] == ':') continue;
    size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon), value;
    if (colon != std::string_view::npos) {
      value = line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
      if (cur.has_data) cur.data.push_back('\n');
      cur.data.append(value);
      cur.has_data = true;
    } else if (field == "event") {
      cur.event.assign(value);
    }
  }
  return out;
}

std::string show(const std::vector<Ev>& v) {
  std::string s;
  for (const auto& e : v) s += "[event=" + e.event + " data=" + e.data + (e.has_data ? "" : " (no data)") + "] ";
  return s;
}

}  // namespace

int fuzz_one_input(std::string_view in) {
  const std::vector<Ev> expected = reference(in);
  for (const auto& pieces : fuzz::splits(in)) {
    std::vector<Ev> got = parse_pieces(pieces, nullptr);
    if (got != expected)
      fuzz::fail("SseParser events differ from the reference (" + std::to_string(pieces.size()) + " piece(s))",
                 "got " + show(got) + "\n  expected " + show(expected));
  }
  return 0;
}

#include "server/PluginOutput.hpp"

#include <nlohmann/json.hpp>

#include <aicore/json_scan.hpp>

#include "server/BodyScan.hpp"

namespace aicore::host {

std::optional<std::string> json_body_problem(std::string_view body) {
  // The shared fast scanner validates 8 bytes at a time; nlohmann's acceptor (about a fifth of a
  // pass-through request's instructions) only decides what the scanner is unsure of. Only the
  // validity counts here, so no member is looked at.
  if (json_scan::scan_any(body, kMaxScanDepth, [](const json_scan::Member&) {})) return std::nullopt;
  if (nlohmann::json::accept(body.begin(), body.end())) return std::nullopt;
  return "not a JSON document (" + std::to_string(body.size()) + " bytes)";
}

std::optional<std::string> sse_events_problem(std::string_view events) {
  if (events.empty()) return "an empty event";
  if (events.size() < 2 || events.substr(events.size() - 2) != "\n\n") return "an event not ended by a blank line";
  bool in_event = false;
  while (!events.empty()) {
    const size_t nl = events.find('\n');
    std::string_view line = events.substr(0, nl);
    events.remove_prefix(nl + 1);  // the text ends with \n, so nl is never npos here
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (!in_event) return "a blank line outside an event";
      in_event = false;
      continue;
    }
    if (!(line.starts_with("data:") || line.starts_with("event:") || line.starts_with("id:") ||
          line.starts_with("retry:") || line.front() == ':'))
      return "a line that is not an SSE field: " + std::string(line.substr(0, 80));
    in_event = true;
  }
  return std::nullopt;
}

}  // namespace aicore::host

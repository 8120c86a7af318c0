// The scan itself is the SDK's json_scan (Grammar::Any), the one fast-path validator the host and
// the plugins share; this file only picks the two routing fields out of its top-level members.
#include "server/BodyScan.hpp"

#include <aicore/json_scan.hpp>

namespace aicore::host {
namespace {

RoutingFields::Kind kind(char c) {
  switch (c) {
    case '"': return RoutingFields::Kind::String;
    case 'n': return RoutingFields::Kind::Null;
    case 't':
    case 'f': return RoutingFields::Kind::Bool;
    default: return RoutingFields::Kind::Other;
  }
}

}  // namespace

bool scan_routing_fields(std::string_view body, RoutingFields& out) {
  out = RoutingFields{};
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || body[first] != '{') return false;
  bool unsure = false;
  auto on_member = [&](const json_scan::Member& m) {
    // A key like "mod\u0065l" or an escaped model name: let nlohmann decode it.
    if (m.key.find('\\') != std::string_view::npos) unsure = true;
    if (m.key == "model") {
      out.model = kind(m.value.front());
      if (out.model == RoutingFields::Kind::String) {
        out.model_text = m.value.substr(1, m.value.size() - 2);
        if (out.model_text.find('\\') != std::string_view::npos) unsure = true;
      }
    } else if (m.key == "stream") {
      out.stream = kind(m.value.front());
      out.stream_value = m.value.front() == 't';
    }
  };
  return json_scan::scan_any(body, kMaxScanDepth, on_member) && !unsure;
}

}  // namespace aicore::host

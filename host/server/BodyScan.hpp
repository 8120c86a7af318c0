// What the host routes on, read from a client body without building a DOM: the plugin parses the
// body properly anyway, and a second full parse here cost ~7 % of a pass-through request.
#pragma once

#include <string_view>

namespace aicore::host {

// Deeper bodies are rare (no client nests a chat request this far) and go to nlohmann's
// iterative parser; the scan recurses, and 128 levels fit a worker's 256 KiB stack with room to
// spare even in the -O0 ASan build (512 did not).
inline constexpr int kMaxScanDepth = 128;

struct RoutingFields {
  enum class Kind { Absent, Null, Bool, String, Other };
  Kind model = Kind::Absent;
  std::string_view model_text;  // Kind::String: the name (it has no escapes)
  Kind stream = Kind::Absent;
  bool stream_value = false;  // Kind::Bool
};

// True when `body` is a JSON object nlohmann would accept and `out` holds its top-level model and
// stream (the last occurrence, as in the DOM). False when unsure — invalid JSON, an escape in a
// top-level key or in the model name, a float beyond a double, nesting deeper than 128, a BOM —
// and the caller parses with nlohmann, which decides exactly as before (and words the errors).
bool scan_routing_fields(std::string_view body, RoutingFields& out);

}  // namespace aicore::host

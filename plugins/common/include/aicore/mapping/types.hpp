// Shared vocabulary of the mapping library.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace aicore::mapping {

// Key order is preserved, so mapped bodies and golden fixtures read in the order the specs list.
using Json = nlohmann::ordered_json;

// Receives one complete, framed SSE event per call (`data: …\n\n` or `event: …\ndata: …\n\n`).
// The bytes are only valid during the call.
using Emit = std::function<void(std::string_view)>;

}  // namespace aicore::mapping

#pragma once
// One JSON type for the whole emulator. ordered_json keeps key order, so responses come out in
// the same order as the recorded Azure payloads and "first unknown parameter" follows the body.
#include <nlohmann/json.hpp>

#include <string>

namespace aicore::emulator {

using Json = nlohmann::ordered_json;

// Compact dump that replaces invalid UTF-8 instead of throwing: echoed text comes from clients.
inline std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace aicore::emulator

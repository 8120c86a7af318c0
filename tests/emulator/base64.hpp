#pragma once
// Base64 without line breaks (Poco's encoder wraps lines, which no JSON consumer expects).
#include <optional>
#include <string>
#include <string_view>

namespace aicore::emulator {

std::string base64Encode(std::string_view bytes, bool urlSafe = false, bool pad = true);
// Standard alphabet, padding optional; nullopt on any invalid character.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace aicore::emulator

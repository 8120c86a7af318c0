#pragma once
// Small string helpers shared by the handlers.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aicore::emulator {

std::string toLower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

// application/x-www-form-urlencoded decoding ('+' is a space, %XX an octet).
std::string urlDecode(std::string_view s);

// Splits "a=1&b=2" into decoded pairs, in order.
std::vector<std::pair<std::string, std::string>> parseUrlEncoded(std::string_view s);

// Word-sized pieces of text: each piece is leading whitespace plus one run of non-whitespace, so
// concatenating the pieces gives back the text exactly (trailing whitespace joins the last piece).
// These pieces are both the "tokens" we count and the deltas we stream.
std::vector<std::string_view> splitWords(std::string_view text);

// Splits s into pieces of about n bytes without cutting a UTF-8 sequence.
std::vector<std::string_view> splitBytes(std::string_view s, size_t n);

}  // namespace aicore::emulator

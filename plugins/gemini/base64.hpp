// Base64 for the two places the plugin needs it: embeddings with encoding_format "base64"
// (little-endian float32, what the openai SDKs decode) and Gemini thought signatures carried inside
// tool-call ids (base64url, so the id stays within [A-Za-z0-9_-] as Anthropic clients require).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aicore::gemini {

// Standard alphabet, padded.
std::string base64_encode(std::string_view bytes);

// Float32 little-endian bytes of `values`, base64-encoded.
std::string floats_to_base64(const std::vector<float>& values);

// Standard base64 ("+/", padding) <-> base64url ("-_", no padding), character for character.
// Returns empty when `b64` holds a character of neither alphabet.
std::string base64_to_url(std::string_view b64);
std::string url_to_base64(std::string_view url);

}  // namespace aicore::gemini

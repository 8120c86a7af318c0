// Base64, once for every provider plugin: image and document data in request bodies, Bedrock's
// {"bytes":…} stream envelopes, embeddings with encoding_format "base64", and Gemini thought
// signatures carried inside tool-call ids (base64url, so an id stays within [A-Za-z0-9_-]).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aicore::mapping {

// Standard alphabet, padded.
std::string base64_encode(std::string_view bytes);

// Standard or url alphabet, padding optional; whitespace and stray characters are skipped (client
// data is often wrapped). Stops at `max_out` decoded bytes.
std::string base64_decode(std::string_view in, size_t max_out = SIZE_MAX);

// The same for data that must be exact (upstream envelopes): nullopt on a character of neither
// alphabet. Decoding stops at the first '='.
std::optional<std::string> base64_decode_strict(std::string_view in);

// Bytes a base64 text decodes to, without decoding it.
size_t base64_decoded_size(std::string_view in);

// Standard base64 ("+/", padding) <-> base64url ("-_", no padding), character for character.
// Empty when the input holds a character of neither alphabet.
std::string base64_to_url(std::string_view b64);
std::string url_to_base64(std::string_view url);

}  // namespace aicore::mapping

// The Gemini API names the model and the method in the path, not the body:
// /v1beta/models/{model}:{method} (also /v1/ and /v1alpha/, as the SDK's apiVersion chooses).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aicore::host {

struct GeminiPath {
  std::string model;        // percent-decoded, without the "models/" prefix; empty for a listing
  std::string_view method;  // "generateContent", "countTokens", …; empty for GET of a model
};

// The parts of a Gemini API path (no query), or nothing when the path is not one. "/v1beta/models"
// is a listing (model empty); "/v1beta/models/x" names one model (method empty).
std::optional<GeminiPath> parse_gemini_path(std::string_view path);

// Whether the query asks for server-sent events (alt=sse); without it a stream is a JSON array.
bool query_wants_sse(std::string_view uri);

// The value of the query's `key` parameter (the Gemini API's way to pass the API key), decoded.
std::string query_api_key(std::string_view uri);

}  // namespace aicore::host

// What convert_request remembers for the response side. The host carries it as opaque bytes
// (acp_request_out.set_context) to convert_response / stream_open.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace aicore::gemini {

struct ResponseContext {
  std::string client_model;       // reported as "model" in the client's answer
  bool include_usage = false;     // OpenAI stream: the client asked for the usage chunk
  std::string seed;               // fingerprint of the request contents: seeds the tool-call ids
  int64_t input_tokens_hint = 0;  // Anthropic stream: message_start usage before Vertex reports it
  bool base64 = false;            // embeddings: encoding_format "base64"
  bool batch = false;             // gemini.batch_embed_contents: the answer is a list
  int64_t inputs = 0;             // embeddings: instances sent, so as many predictions are due

  // Private format, versioned: {"v":"gemini.v1",...}. Keep it small (it travels with every request).
  std::string encode() const;
  // Unknown, empty or malformed contexts decode to the defaults.
  static ResponseContext decode(std::string_view context);
};

}  // namespace aicore::gemini

// A local, cheap, deterministic estimate for /v1/messages/count_tokens.
//
// The rule (documented so clients can reason about it; Anthropic's own counter is not public):
//   text            ceil(utf8_bytes / 4)  (≈ 4 bytes per token for English prose and code)
//   every message   +4  (role and turn framing)
//   system          +4 once, plus its text
//   tools           +346 once when any tool is present (the tool-use system prompt Anthropic
//                   documents), then per tool +16 plus its name, description and JSON input_schema;
//                   server tools: +16 plus their JSON
//   tool_use        its name and JSON input;  tool_result: +4 plus its content (string or blocks)
//   image           width*height/750 after Anthropic's downscaling (long edge <= 1568 px, area <=
//                   1.15 MP), read from the PNG/GIF/WebP/JPEG header of base64 data; 1600 (the
//                   ceiling) when the size cannot be read, as for URL sources
//   document        PDF: 1500 per page (pages counted in the file, else one per 75 KB);
//                   text and content sources: their text; URL sources: one page
//   thinking        its text (signatures and redacted data are not counted)
//   anything else   its JSON, as text
// The sum is at least 1. It is monotone: adding content never lowers it. Malformed parts are
// counted as their JSON, never rejected: validation is the upstream's business.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <aicore/mapping/types.hpp>

namespace aicore::mapping {

int64_t estimate_input_tokens(const Json& anthropic_body);

// The local answer to anthropic.count_tokens for a client body: {"input_tokens":N}. Throws
// aicore::invalid_request when the body is not a JSON object with a messages array (as Anthropic's
// own endpoint requires); the messages themselves are not validated.
std::string count_tokens_response(std::string_view body);

// The image rule alone, for callers that know the pixel size.
int64_t estimate_image_tokens(int64_t width, int64_t height);

}  // namespace aicore::mapping

// The input tokens a request body will cost, estimated before the call for the token quotas
// (settled with the upstream's own count afterwards). The rule of count_tokens, applied to every
// JSON string in the body in one scan, without parsing it: a string counts ceil(bytes / 4);
// a long string of base64 only (an image, a file) counts 1,600, count_tokens' image ceiling,
// rather than its size. Whatever the dialect, the estimate is at least 1.
#pragma once

#include <cstdint>
#include <string_view>

namespace aicore::host {

int64_t estimate_input_tokens(std::string_view body);

}  // namespace aicore::host

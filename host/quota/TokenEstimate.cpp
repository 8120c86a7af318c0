#include "quota/TokenEstimate.hpp"

namespace aicore::host {
namespace {

constexpr int64_t kMediaTokens = 1600;
constexpr size_t kMediaMinBytes = 4096;

bool base64_char(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
         c == '=' || c == '-' || c == '_';
}

}  // namespace

int64_t estimate_input_tokens(std::string_view body) {
  int64_t tokens = 0;
  size_t i = 0;
  const size_t n = body.size();
  while (i < n) {
    if (body[i] != '"') {
      ++i;
      continue;
    }
    // One string: its length in bytes (escapes counted as written) and whether it is all base64.
    const size_t start = ++i;
    bool b64 = true;
    while (i < n && body[i] != '"') {
      if (body[i] == '\\') {
        b64 = false;
        i += 2;
        continue;
      }
      b64 = b64 && base64_char(static_cast<unsigned char>(body[i]));
      ++i;
    }
    const size_t len = (i < n ? i : n) - start;
    tokens += b64 && len >= kMediaMinBytes ? kMediaTokens : static_cast<int64_t>((len + 3) / 4);
    ++i;  // the closing quote
  }
  return tokens > 0 ? tokens : 1;
}

}  // namespace aicore::host

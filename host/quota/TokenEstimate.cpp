#include "quota/TokenEstimate.hpp"

#include <algorithm>

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
  const size_t n = body.size();
  size_t i = body.find('"');
  while (i < n) {
    // One string: its length in bytes (escapes counted as written); only a long one without an
    // escape is looked at again, for being all base64 (the scan is on every request's body).
    const size_t start = ++i;
    bool escaped = false;
    while (i < n && body[i] != '"') {
      if (body[i] == '\\') {
        escaped = true;
        ++i;
      }
      ++i;
    }
    const size_t end = i < n ? i : n;
    const size_t len = end - start;
    const bool media =
        !escaped && len >= kMediaMinBytes &&
        std::all_of(body.begin() + static_cast<std::ptrdiff_t>(start), body.begin() + static_cast<std::ptrdiff_t>(end),
                    [](char c) { return base64_char(static_cast<unsigned char>(c)); });
    tokens += media ? kMediaTokens : static_cast<int64_t>((len + 3) / 4);
    i = end < n ? body.find('"', end + 1) : n;  // past the closing quote, to the next string
  }
  return tokens > 0 ? tokens : 1;
}

}  // namespace aicore::host

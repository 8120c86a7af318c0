#include "base64.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

namespace aicore::gemini {

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string floats_to_base64(const std::vector<float>& values) {
  std::string bytes(values.size() * 4, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    uint32_t bits = std::bit_cast<uint32_t>(values[i]);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xFF);
  }
  return base64_encode(bytes);
}

static bool alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string base64_to_url(std::string_view b64) {
  std::string out;
  out.reserve(b64.size());
  for (char c : b64) {
    if (alnum(c)) out += c;
    else if (c == '+' || c == '-') out += '-';
    else if (c == '/' || c == '_') out += '_';
    else if (c == '=') continue;
    else return {};
  }
  return out;
}

std::string url_to_base64(std::string_view url) {
  std::string out;
  out.reserve(url.size() + 3);
  for (char c : url) {
    if (alnum(c)) out += c;
    else if (c == '-') out += '+';
    else if (c == '_') out += '/';
    else return {};
  }
  while (out.size() % 4 != 0) out += '=';
  return out;
}

}  // namespace aicore::gemini

#include <aicore/mapping/base64.hpp>

#include <algorithm>
#include <array>

namespace aicore::mapping {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Value of each character in either alphabet, -1 for the rest.
constexpr std::array<int8_t, 256> make_table() {
  std::array<int8_t, 256> t{};
  for (auto& x : t) x = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  t[static_cast<unsigned char>('-')] = 62;  // base64url too
  t[static_cast<unsigned char>('_')] = 63;
  return t;
}
constexpr auto kTable = make_table();

bool alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Decodes until '=' or `max_out` bytes; a character outside both alphabets is skipped, or, when
// `strict`, makes it fail.
std::optional<std::string> decode(std::string_view in, size_t max_out, bool strict) {
  std::string out;
  out.reserve(std::min(max_out, in.size() / 4 * 3 + 3));
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    if (c == '=') break;
    const int8_t v = kTable[c];
    if (v < 0) {
      if (strict) return std::nullopt;
      continue;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
      if (out.size() >= max_out) break;
    }
  }
  return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  if (const size_t rest = bytes.size() - i; rest > 0) {
    const uint32_t v = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(std::string_view in, size_t max_out) { return *decode(in, max_out, false); }

std::optional<std::string> base64_decode_strict(std::string_view in) { return decode(in, SIZE_MAX, true); }

size_t base64_decoded_size(std::string_view in) {
  size_t n = 0;
  for (unsigned char c : in)
    if (kTable[c] >= 0) ++n;
  return n * 3 / 4;
}

std::string base64_to_url(std::string_view b64) {
  std::string out;
  out.reserve(b64.size());
  for (char c : b64) {
    if (alnum(c))
      out += c;
    else if (c == '+' || c == '-')
      out += '-';
    else if (c == '/' || c == '_')
      out += '_';
    else if (c == '=')
      continue;
    else
      return {};
  }
  return out;
}

std::string url_to_base64(std::string_view url) {
  std::string out;
  out.reserve(url.size() + 3);
  for (char c : url) {
    if (alnum(c))
      out += c;
    else if (c == '-')
      out += '+';
    else if (c == '_')
      out += '/';
    else
      return {};
  }
  while (out.size() % 4 != 0) out += '=';
  return out;
}

}  // namespace aicore::mapping

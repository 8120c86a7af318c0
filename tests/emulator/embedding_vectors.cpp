#include "embedding_vectors.hpp"

#include "base64.hpp"
#include "ids.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace aicore::emulator {

static uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::vector<float> embeddingFor(std::string_view input, int dims) {
  uint64_t state = fnv1a64(input);
  std::vector<double> raw(static_cast<size_t>(dims));
  double norm = 0;
  for (double& x : raw) {
    x = static_cast<double>(splitmix64(state) >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0;
    norm += x * x;
  }
  norm = std::sqrt(norm);
  std::vector<float> out(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) out[i] = static_cast<float>(norm > 0 ? raw[i] / norm : 0.0);
  return out;
}

Json floatsToJson(const std::vector<float>& v) {
  Json arr = Json::array();
  char buf[32];
  for (float f : v) {
    // Shortest decimal that round-trips the float, read back as the double nlohmann prints.
    auto res = std::to_chars(buf, buf + sizeof(buf) - 1, f);
    *res.ptr = '\0';
    arr.push_back(std::strtod(buf, nullptr));
  }
  return arr;
}

std::string floatsToBase64(const std::vector<float>& v) {
  std::string bytes;
  bytes.reserve(v.size() * 4);
  for (float f : v) {
    uint32_t bits = std::bit_cast<uint32_t>(f);
    for (int i = 0; i < 4; ++i) bytes += static_cast<char>((bits >> (8 * i)) & 0xFF);  // little-endian
  }
  return base64Encode(bytes);
}

}  // namespace aicore::emulator

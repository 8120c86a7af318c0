#include "call_ids.hpp"

#include <aicore/mapping/base64.hpp>

#include <cstdint>

namespace aicore::gemini {
namespace {

constexpr std::string_view kSignatureTag = "__ts_";

uint64_t fnv1a64(std::string_view data, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string hex(uint64_t v, int digits) {
  static const char* kHex = "0123456789abcdef";
  std::string s(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) s[static_cast<size_t>(i)] = kHex[v & 15];
  return s;
}

}  // namespace

std::string fingerprint(std::string_view bytes) { return hex(fnv1a64(bytes), 16); }

std::string make_call_id(std::string_view seed, int candidate, int ordinal, std::string_view name,
                         std::string_view args_json, std::string_view thought_signature) {
  std::string material;
  material.reserve(seed.size() + name.size() + args_json.size() + 32);
  material.append(seed).append("\n").append(std::to_string(candidate)).append("\n");
  material.append(std::to_string(ordinal)).append("\n").append(name).append("\n").append(args_json);
  const uint64_t a = fnv1a64(material);
  const uint64_t b = fnv1a64(material, a ^ 0x9e3779b97f4a7c15ULL);
  std::string id = "call_" + hex(a, 16) + hex(b >> 32, 8);
  if (!thought_signature.empty()) {
    std::string url = mapping::base64_to_url(thought_signature);
    if (!url.empty()) id.append(kSignatureTag).append(url);
  }
  return id;
}

std::string signature_from_call_id(std::string_view id) {
  size_t i = id.find(kSignatureTag);
  if (i == std::string_view::npos) return {};
  return mapping::url_to_base64(id.substr(i + kSignatureTag.size()));
}

}  // namespace aicore::gemini

// Small helpers the mapping sources share: typed field access with error paths, ids, base64.
#pragma once

#include <aicore/mapping/base64.hpp>
#include <aicore/mapping/json_io.hpp>
#include <aicore/mapping/types.hpp>
#include <aicore/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace aicore::mapping::detail {

// "messages" + 2 -> "messages[2]".
inline std::string at(std::string_view path, size_t i) { return std::string(path) + "[" + std::to_string(i) + "]"; }
inline std::string dot(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
}

// The member, or nullptr when absent or JSON null (OpenAI clients send explicit nulls freely).
inline const Json* find(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

// A string member, or `fallback` when absent/null/not a string (for upstream data: lenient).
inline std::string str_or(const Json& obj, std::string_view key, std::string_view fallback = {}) {
  const Json* v = find(obj, key);
  return (v && v->is_string()) ? v->get<std::string>() : std::string(fallback);
}
inline int64_t int_or(const Json& obj, std::string_view key, int64_t fallback) {
  const Json* v = find(obj, key);
  return (v && v->is_number_integer())    ? v->get<int64_t>()
         : (v && v->is_number_unsigned()) ? static_cast<int64_t>(v->get<uint64_t>())
                                          : fallback;
}

// Client-side typed access: throws invalid_request("<path>: must be ...").
[[noreturn]] inline void bad(const std::string& path, std::string_view problem) {
  throw invalid_request(path + ": " + std::string(problem));
}
const Json& require(const Json& obj, std::string_view key, const std::string& path);  // "<path>.<key>: required"
const std::string& expect_string(const Json& v, const std::string& path);
const Json& expect_object(const Json& v, const std::string& path);
const Json& expect_array(const Json& v, const std::string& path);
int64_t expect_positive_int(const Json& v, const std::string& path);  // >= 1
double expect_number(const Json& v, const std::string& path);
bool expect_bool(const Json& v, const std::string& path);

// Compact JSON that never throws on odd strings.
using mapping::dump;  // aicore/mapping/json_io.hpp

// Parses JSON found in a string (tool-call arguments); returns discarded json when it is not
// JSON or nests deeper than kMaxJsonDepth (mapping::parse_embedded_json).
Json parse_lenient(std::string_view text);

// 64-bit FNV-1a, for short deterministic ids.
uint64_t fnv1a(std::string_view s);
std::string hex8(uint64_t v);  // low 32 bits as 8 hex digits

// Base64 (aicore/mapping/base64.hpp).
using mapping::base64_decode;
using mapping::base64_decoded_size;

// Splits "data:<media type>[;params];base64,<data>". False when `url` is not a base64 data URL.
bool parse_data_url(std::string_view url, std::string& media_type, std::string_view& data);

// "chatcmpl-abc" -> "abc"; "msg_abc" -> "abc"; other ids unchanged.
std::string strip_id_prefix(std::string_view id);

}  // namespace aicore::mapping::detail

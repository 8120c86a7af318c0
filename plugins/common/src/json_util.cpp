#include "json_util.hpp"

#include <array>

namespace aicore::mapping::detail {

const Json& require(const Json& obj, std::string_view key, const std::string& path) {
  const Json* v = find(obj, key);
  if (!v) bad(dot(path, key), "required");
  return *v;
}

const std::string& expect_string(const Json& v, const std::string& path) {
  if (!v.is_string()) bad(path, "must be a string");
  return v.get_ref<const std::string&>();
}

const Json& expect_object(const Json& v, const std::string& path) {
  if (!v.is_object()) bad(path, "must be an object");
  return v;
}

const Json& expect_array(const Json& v, const std::string& path) {
  if (!v.is_array()) bad(path, "must be an array");
  return v;
}

int64_t expect_positive_int(const Json& v, const std::string& path) {
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u >= 1 && u <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(u);
  } else if (v.is_number_integer() && v.get<int64_t>() >= 1) {
    return v.get<int64_t>();
  }
  bad(path, "must be a positive integer");
}

double expect_number(const Json& v, const std::string& path) {
  if (!v.is_number()) bad(path, "must be a number");
  return v.get<double>();
}

bool expect_bool(const Json& v, const std::string& path) {
  if (!v.is_boolean()) bad(path, "must be a boolean");
  return v.get<bool>();
}

Json parse_lenient(std::string_view text) {
  try {
    return mapping::parse_embedded_json(text);
  } catch (...) { return Json(Json::value_t::discarded); }
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex8(uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s(8, '0');
  for (int i = 7; i >= 0; --i) {
    s[static_cast<size_t>(i)] = digits[v & 15];
    v >>= 4;
  }
  return s;
}

bool parse_data_url(std::string_view url, std::string& media_type, std::string_view& data) {
  if (!url.starts_with("data:")) return false;
  size_t comma = url.find(',');
  if (comma == std::string_view::npos) return false;
  std::string_view meta = url.substr(5, comma - 5);
  if (!meta.ends_with(";base64")) return false;
  meta.remove_suffix(7);
  media_type = std::string(meta.substr(0, meta.find(';')));
  for (char& c : media_type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  data = url.substr(comma + 1);
  return true;
}

std::string strip_id_prefix(std::string_view id) {
  for (std::string_view p : {"chatcmpl-", "msg_"})
    if (id.starts_with(p) && id.size() > p.size()) return std::string(id.substr(p.size()));
  return std::string(id);
}

}  // namespace aicore::mapping::detail

#include "gemini_api_fields.hpp"

#include <aicore/plugin.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>

namespace aicore::gemini {

void Notes::add(const std::string& note) {
  for (auto& [text, count] : notes_)
    if (text == note) {
      ++count;
      return;
    }
  notes_.emplace_back(note, 1);
}

std::string Notes::joined() const {
  std::string out;
  for (const auto& [text, count] : notes_) {
    if (!out.empty()) out += "; ";
    out += text;
    if (count > 1) out += " x" + std::to_string(count);
  }
  return out;
}

std::string camel_case(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (size_t i = 0; i < key.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(key[i]);
    if (c == '_' && i + 1 < key.size() && std::islower(static_cast<unsigned char>(key[i + 1]))) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(key[++i])));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string member_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

void for_each_field(const Json& obj, const std::string& path, std::string_view type,
                    std::initializer_list<std::string_view> gemini_api_only, Notes& notes, const FieldVisitor& on) {
  need_object(obj, path.empty() ? "body" : path);
  std::vector<std::string> seen;  // camelCase names, to catch a field sent under both spellings
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (it.value().is_null()) continue;
    const std::string name = camel_case(it.key());
    const std::string where = member_path(path, it.key());
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      throw invalid_request(where + ": the same field is also given under its other spelling");
    seen.push_back(name);
    if (on(name, it.value(), where)) continue;
    if (std::find(gemini_api_only.begin(), gemini_api_only.end(), name) != gemini_api_only.end()) {
      notes.add(std::string(type) + "." + name + " dropped (Gemini API only)");
      continue;
    }
    throw invalid_request(where + ": unknown field (Vertex AI, which serves Gemini on SAP AI Core, rejects it)");
  }
}

const Json& need_object(const Json& v, const std::string& where) {
  if (!v.is_object()) throw invalid_request(where + ": must be an object");
  return v;
}

const std::string& need_string(const Json& v, const std::string& where) {
  if (!v.is_string()) throw invalid_request(where + ": must be a string");
  return v.get_ref<const std::string&>();
}

bool need_bool(const Json& v, const std::string& where) {
  if (!v.is_boolean()) throw invalid_request(where + ": must be true or false");
  return v.get<bool>();
}

void need_number(const Json& v, const std::string& where) {
  if (!v.is_number()) throw invalid_request(where + ": must be a number");
}

int64_t need_int(const Json& v, const std::string& where) {
  // nlohmann keeps non-negative integers unsigned: one beyond int64 would wrap to a negative.
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) throw invalid_request(where + ": out of range");
    return static_cast<int64_t>(v.get<uint64_t>());
  }
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    // 2^53: every integer below is exact in a double, and far beyond any int32 field Vertex has.
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 9007199254740992.0) return static_cast<int64_t>(d);
  }
  throw invalid_request(where + ": must be an integer");
}

const Json& need_array(const Json& v, const std::string& where) {
  if (!v.is_array()) throw invalid_request(where + ": must be an array");
  return v;
}

const Json& need_strings(const Json& v, const std::string& where) {
  if (!v.is_array()) throw invalid_request(where + ": must be an array of strings");
  for (size_t i = 0; i < v.size(); ++i) need_string(v[i], at(where, i));
  return v;
}

void for_each_item(const Json& v, const std::string& where, const ItemVisitor& on) {
  if (v.is_object()) return on(v, where);
  if (!v.is_array()) throw invalid_request(where + ": must be an array");
  for (size_t i = 0; i < v.size(); ++i) on(v[i], at(where, i));
}

}  // namespace aicore::gemini

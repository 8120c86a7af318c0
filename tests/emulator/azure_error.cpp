#include "azure_error.hpp"

#include "exchange.hpp"

#include <algorithm>

namespace aicore::emulator {

void azureFail(std::string message, std::optional<std::string> param, std::optional<std::string> code, int status) {
  AzureError e;
  e.status = status;
  e.message = std::move(message);
  e.param = std::move(param);
  e.code = std::move(code);
  throw e;
}

void sendAzureError(Exchange& ex, const AzureError& e) {
  Json body = {{"error",
                {{"code", e.code ? Json(*e.code) : Json(nullptr)},
                 {"message", e.message},
                 {"param", e.param ? Json(*e.param) : Json(nullptr)},
                 {"type", "invalid_request_error"}}}};
  ex.sendJson(e.status, body);
}

std::string jsonTypeName(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "an integer";
    case Json::value_t::number_float:
      return "a decimal";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

void failUnknownParameter(const std::string& param) {
  azureFail("Unknown parameter: '" + param + "'.", param, "unknown_parameter");
}

void failMissing(const std::string& param) {
  azureFail("Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
}

void failType(const std::string& param, const std::string& expected, const Json& got) {
  azureFail("Invalid type for '" + param + "': expected " + expected + ", but got " + jsonTypeName(got) + " instead.",
            param, "invalid_type");
}

void failValue(const std::string& param, const std::string& got, std::initializer_list<const char*> allowed) {
  std::string list;
  size_t i = 0, n = allowed.size();
  for (const char* a : allowed) {
    if (i > 0) list.append(n == 2 ? " and " : (i + 1 == n ? ", and " : ", "));
    list.append("'").append(a).append("'");
    ++i;
  }
  azureFail("Invalid value: '" + got + "'. Supported values are: " + list + ".", param, "invalid_value");
}

void failEmptyArray(const std::string& param) {
  azureFail(
      "Invalid '" + param + "': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      param, "empty_array");
}

std::string indexed(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

const Json& requiredField(const Json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end()) failMissing(path + "." + key);
  return *it;
}

const Json* optionalField(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

template <class Range>
static void onlyKeysIn(const Json& obj, const std::string& path, const Range& keys) {
  for (const auto& [k, _] : obj.items())
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) failUnknownParameter(path + "." + k);
}
void onlyKeys(const Json& obj, const std::string& path, std::initializer_list<std::string_view> keys) {
  onlyKeysIn(obj, path, keys);
}
void onlyKeys(const Json& obj, const std::string& path, const std::vector<std::string_view>& keys) {
  onlyKeysIn(obj, path, keys);
}

void checkStringIn(const Json& v, const std::string& path, std::initializer_list<const char*> allowed) {
  checkString(v, path);
  const std::string s = v.get<std::string>();
  for (const char* a : allowed)
    if (s == a) return;
  failValue(path, s, allowed);
}

void checkBool(const Json& v, const std::string& param) {
  if (!v.is_boolean()) failType(param, "a boolean", v);
}
void checkString(const Json& v, const std::string& param) {
  if (!v.is_string()) failType(param, "a string", v);
}
void checkObject(const Json& v, const std::string& param) {
  if (!v.is_object()) failType(param, "an object", v);
}
void checkArray(const Json& v, const std::string& param) {
  if (!v.is_array()) failType(param, "an array", v);
}

void checkInteger(const Json& v, const std::string& param, std::optional<long long> min, std::optional<long long> max) {
  if (!v.is_number_integer()) failType(param, "an integer", v);
  // Huge unsigned values are simply "above maximum".
  const bool huge = v.is_number_unsigned() && v.get<unsigned long long>() > 9223372036854775807ULL;
  const long long x = huge ? 9223372036854775807LL : v.get<long long>();
  if (min && x < *min)
    azureFail("Invalid '" + param + "': integer below minimum value. Expected a value >= " + std::to_string(*min) +
                  ", but got " + dump(v) + " instead.",
              param, "integer_below_min_value");
  if (max && (huge || x > *max))
    azureFail("Invalid '" + param + "': integer above maximum value. Expected a value <= " + std::to_string(*max) +
                  ", but got " + dump(v) + " instead.",
              param, "integer_above_max_value");
}

static std::string shortNumber(double d) {
  return dump(Json(d == static_cast<long long>(d) ? Json(static_cast<long long>(d)) : Json(d)));
}

void checkNumber(const Json& v, const std::string& param, std::optional<double> min, std::optional<double> max) {
  if (!v.is_number()) failType(param, "a number", v);
  const double x = v.get<double>();
  if (min && x < *min)
    azureFail("Invalid '" + param + "': decimal below minimum value. Expected a value >= " + shortNumber(*min) +
                  ", but got " + dump(v) + " instead.",
              param, "decimal_below_min_value");
  if (max && x > *max)
    azureFail("Invalid '" + param + "': decimal above maximum value. Expected a value <= " + shortNumber(*max) +
                  ", but got " + dump(v) + " instead.",
              param, "decimal_above_max_value");
}

}  // namespace aicore::emulator

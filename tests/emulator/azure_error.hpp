#pragma once
// Azure OpenAI 4xx errors: {"error":{"code":…,"message":…,"param":…,"type":"invalid_request_error"}}
// (JSSDK openai-error-response.json), and throwers producing OpenAI's exact wording for the usual
// validation failures, so proxies meet the same messages as against the real service.
#include "json.hpp"

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aicore::emulator {

class Exchange;

struct AzureError : std::exception {
  int status = 400;
  std::string message;
  std::optional<std::string> param;
  std::optional<std::string> code;
  const char* what() const noexcept override { return message.c_str(); }
};

[[noreturn]] void azureFail(std::string message, std::optional<std::string> param = std::nullopt,
                            std::optional<std::string> code = std::nullopt, int status = 400);
void sendAzureError(Exchange& ex, const AzureError& e);

// "an integer", "a string", … as OpenAI words types in messages.
std::string jsonTypeName(const Json& v);

[[noreturn]] void failUnknownParameter(const std::string& param);
[[noreturn]] void failMissing(const std::string& param);
[[noreturn]] void failType(const std::string& param, const std::string& expected, const Json& got);
// Invalid value: 'x'. Supported values are: 'a', 'b', and 'c'.
[[noreturn]] void failValue(const std::string& param, const std::string& got,
                            std::initializer_list<const char*> allowed);
[[noreturn]] void failEmptyArray(const std::string& param);

// Field access and shape checks shared by the azure-openai validators. Paths are OpenAI-style:
// "messages[1].tool_calls[0].function.name".
std::string indexed(const std::string& path, size_t i);  // path[i]
const Json& requiredField(const Json& obj, const char* key, const std::string& path);
const Json* optionalField(const Json& obj, const char* key);  // absent or null → nullptr
void onlyKeys(const Json& obj, const std::string& path, std::initializer_list<std::string_view> keys);
void onlyKeys(const Json& obj, const std::string& path, const std::vector<std::string_view>& keys);
void checkStringIn(const Json& v, const std::string& path, std::initializer_list<const char*> allowed);

// Type and range checks that throw the matching OpenAI error.
void checkBool(const Json& v, const std::string& param);
void checkString(const Json& v, const std::string& param);
void checkObject(const Json& v, const std::string& param);
void checkArray(const Json& v, const std::string& param);
void checkInteger(const Json& v, const std::string& param, std::optional<long long> min, std::optional<long long> max);
void checkNumber(const Json& v, const std::string& param, std::optional<double> min, std::optional<double> max);

}  // namespace aicore::emulator

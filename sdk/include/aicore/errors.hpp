// Error envelopes in each client dialect, for plugins and the host alike.
//   OpenAI:    {"error":{"message":...,"type":...,"param":null,"code":...}}
//   Anthropic: {"type":"error","error":{"type":...,"message":...}}
#pragma once

#include <string>
#include <string_view>

namespace aicore {

// JSON string literal (with quotes) for arbitrary bytes; invalid UTF-8 is passed through byte-wise
// except control characters, which are escaped.
inline std::string json_quote(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string o;
  o.reserve(s.size() + 2);
  o.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\r': o += "\\r"; break;
      case '\t': o += "\\t"; break;
      default:
        if (c < 0x20) {
          o += "\\u00";
          o.push_back(hex[c >> 4]);
          o.push_back(hex[c & 15]);
        } else {
          o.push_back(static_cast<char>(c));
        }
    }
  }
  o.push_back('"');
  return o;
}

// Anthropic error type for an HTTP status (https://docs.anthropic.com/en/api/errors).
inline std::string_view anthropic_error_type(int status) {
  switch (status) {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 503:
    case 529: return "overloaded_error";
    default: return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

// OpenAI error type for an HTTP status.
inline std::string_view openai_error_type(int status) {
  switch (status) {
    case 400:
    case 404:
    case 413: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 429: return "rate_limit_error";
    default: return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

inline std::string openai_error_body(std::string_view message, std::string_view type, std::string_view code = {}) {
  std::string o = "{\"error\":{\"message\":";
  o += json_quote(message);
  o += ",\"type\":";
  o += json_quote(type);
  o += ",\"param\":null,\"code\":";
  o += code.empty() ? std::string("null") : json_quote(code);
  o += "}}";
  return o;
}

inline std::string anthropic_error_body(std::string_view message, std::string_view type) {
  std::string o = "{\"type\":\"error\",\"error\":{\"type\":";
  o += json_quote(type);
  o += ",\"message\":";
  o += json_quote(message);
  o += "}}";
  return o;
}

}  // namespace aicore

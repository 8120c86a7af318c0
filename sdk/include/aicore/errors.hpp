// Error envelopes in each client dialect, for plugins and the host alike.
//   OpenAI:    {"error":{"message":...,"type":...,"param":null,"code":...}}
//   Anthropic: {"type":"error","error":{"type":...,"message":...}}
#pragma once

#include <string>
#include <string_view>

namespace aicore {

namespace detail {
// The length of the valid UTF-8 sequence starting at s[i], or 0 (overlong forms, surrogates and
// code points beyond U+10FFFF are not valid).
inline size_t utf8_sequence(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  const auto c1 = static_cast<unsigned char>(s[i + 1]);
  if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f))
    return 0;
  return n;
}
}  // namespace detail

// Appends the JSON string literal (with quotes) of arbitrary bytes: control characters escaped,
// bytes that are not UTF-8 replaced by U+FFFD, so the result is valid JSON whatever the input
// (an upstream's message, a client's model name).
inline void append_json_quoted(std::string_view s, std::string& o) {
  static const char* hex = "0123456789abcdef";
  o.push_back('"');
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = detail::utf8_sequence(s, i);
      if (n == 0) {
        o += "\\ufffd";
        ++i;
      } else {
        o.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
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
    ++i;
  }
  o.push_back('"');
}

inline std::string json_quote(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 2);
  append_json_quoted(s, o);
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

// The Gemini API's canonical status name (google.rpc.Code) for an HTTP status.
inline std::string_view gemini_error_status(int status) {
  switch (status) {
    case 400:
    case 413: return "INVALID_ARGUMENT";
    case 401: return "UNAUTHENTICATED";
    case 403: return "PERMISSION_DENIED";
    case 404: return "NOT_FOUND";
    case 405: return "UNIMPLEMENTED";
    case 408:
    case 504: return "DEADLINE_EXCEEDED";
    case 409: return "ABORTED";
    case 429: return "RESOURCE_EXHAUSTED";
    case 499: return "CANCELLED";
    case 501: return "UNIMPLEMENTED";
    case 502:
    case 503:
    case 529: return "UNAVAILABLE";
    default: return status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
  }
}

// {"error":{"code":404,"message":"…","status":"NOT_FOUND"}}, as the Gemini API answers errors.
inline std::string gemini_error_body(int status, std::string_view message) {
  std::string o = "{\"error\":{\"code\":";
  o += std::to_string(status);
  o += ",\"message\":";
  o += json_quote(message);
  o += ",\"status\":\"";
  o += gemini_error_status(status);
  o += "\"}}";
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

#include <aicore/mapping/json_io.hpp>

#include <aicore/plugin.hpp>

#include "linear_parse.hpp"

namespace aicore::mapping {

bool nested_deeper_than(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // the escaped character cannot end the string
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

Json parse_client_json(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) throw invalid_request("body: empty");
  if (nested_deeper_than(body, kMaxJsonDepth))
    throw invalid_request("body: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  detail::ParseFailure f;
  Json j = detail::parse_linear(body, f);
  if (!f.failed) return j;
  // Not a syntax error: e.g. a number too large for a double.
  throw invalid_request(f.syntax ? "body: invalid JSON at byte " + std::to_string(f.byte) : "body: invalid JSON");
}

Json parse_upstream_json(std::string_view body, std::string_view what) {
  std::string prefix(what);
  if (nested_deeper_than(body, kMaxJsonDepth)) throw upstream_error(prefix + ": JSON nested too deeply");
  detail::ParseFailure f;
  Json j = detail::parse_linear(body, f);
  if (!f.failed) return j;
  throw upstream_error(f.syntax ? prefix + ": invalid JSON at byte " + std::to_string(f.byte)
                                : prefix + ": invalid JSON");
}

Json parse_embedded_json(std::string_view text) {
  if (nested_deeper_than(text, kMaxJsonDepth)) return Json(Json::value_t::discarded);
  detail::ParseFailure f;
  return detail::parse_linear(text, f);
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace aicore::mapping

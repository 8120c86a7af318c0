// A JSON parse error as text that is safe to print: nlohmann quotes the input it last read
// ("...; last read: '\"s3cr3t...'"), and in a config or service-key file that input can be a
// client secret sitting next to the syntax error. The quoted input goes; the line, column, what
// was wrong and what was expected stay. Header-only: the config fuzz target builds Config.cpp alone.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <string_view>

namespace aicore::host {

inline std::string json_error_text(const nlohmann::json::exception& e) {
  std::string m = e.what();
  // Everything the parser can say after "; expected " (lexer::token_type_name).
  static constexpr std::array<std::string_view, 16> kTokenNames{"<uninitialized>",
                                                                "true literal",
                                                                "false literal",
                                                                "null literal",
                                                                "string literal",
                                                                "number literal",
                                                                "'['",
                                                                "'{'",
                                                                "']'",
                                                                "'}'",
                                                                "':'",
                                                                "','",
                                                                "<parse error>",
                                                                "end of input",
                                                                "'[', '{', or a literal",
                                                                "unknown token"};
  for (std::string_view marker : {std::string_view("; last read: '"), std::string_view(" parsing '")}) {
    const size_t at = m.find(marker);
    if (at == std::string::npos) continue;
    std::string tail;
    const size_t expected = m.rfind("; expected ");
    if (expected != std::string::npos && expected > at) {
      const std::string_view name = std::string_view(m).substr(expected + 11);
      for (auto known : kTokenNames)
        if (name == known) tail = "; expected " + std::string(known);
    }
    m = m.substr(0, at) + tail;
  }
  return m;
}

}  // namespace aicore::host

// Splits TOML text into statements (blank lines, comments, table headers, key/value pairs, the
// latter possibly spanning lines), for the line-based edit in TomlEdit. Values are skipped, not
// parsed: only where each ends matters, so a line inside a multi-line string or array is never
// taken for a header or a key.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace aicore::host {

enum class TomlKind { Blank, Comment, Header, ArrayHeader, KeyValue };

struct TomlStatement {
  TomlKind kind = TomlKind::Blank;
  size_t first = 0;  // line indices, inclusive
  size_t last = 0;
  std::vector<std::string> name;  // a header's table name or a key's dotted parts, unquoted
  std::string trailing_comment;   // a one-line key/value's "   # ..." (with the spaces before it)
};

// `lines` without their '\n' (a '\r' before it may stay). Throws TomlEditError naming the line
// (1-based) of anything it cannot read.
std::vector<TomlStatement> toml_statements(const std::vector<std::string>& lines);

}  // namespace aicore::host

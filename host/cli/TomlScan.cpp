#include "cli/TomlScan.hpp"

#include <string_view>

#include "cli/TomlEdit.hpp"

namespace aicore::host {
namespace {

using std::string_view;

// Where a value stands at the end of a line: inside brackets, or inside a multi-line string.
struct ValueState {
  int depth = 0;
  enum class Ml { None, Basic, Literal } ml = Ml::None;
  bool done() const { return depth == 0 && ml == Ml::None; }
};

string_view without_cr(const std::string& line) {
  string_view s(line);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

size_t skip_ws(string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

bool bare_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// The end of the single-line string opened by the quote at s[i] (past its closing quote), or npos.
size_t string_end(string_view s, size_t i) {
  const char quote = s[i];
  for (++i; i < s.size(); ++i) {
    if (quote == '"' && s[i] == '\\') {
      ++i;
    } else if (s[i] == quote) {
      return i + 1;
    }
  }
  return string_view::npos;
}

// Past the end of the multi-line string whose body s[i..] continues (a closing triple quote may
// be followed by up to two more quotes, which belong to the content), or npos.
size_t multiline_end(string_view s, size_t i, char quote) {
  const std::string close(3, quote);
  for (; i < s.size(); ++i) {
    if (quote == '"' && s[i] == '\\') {
      ++i;
    } else if (s.substr(i, 3) == close) {
      i += 3;
      for (int extra = 0; extra < 2 && i < s.size() && s[i] == quote; ++extra) ++i;
      return i;
    }
  }
  return string_view::npos;
}

// A key's dotted parts from s[i], up to (not including) what follows it; false when there is none.
bool parse_key(string_view s, size_t& i, std::vector<std::string>& parts) {
  for (;;) {
    i = skip_ws(s, i);
    if (i >= s.size()) return false;
    if (s[i] == '"' || s[i] == '\'') {
      const size_t end = string_end(s, i);
      if (end == string_view::npos) return false;
      // Escapes in quoted keys are rare in client settings; the raw text is compared as is.
      parts.emplace_back(s.substr(i + 1, end - i - 2));
      i = end;
    } else {
      const size_t start = i;
      while (i < s.size() && bare_key_char(s[i])) ++i;
      if (i == start) return false;
      parts.emplace_back(s.substr(start, i - start));
    }
    i = skip_ws(s, i);
    if (i >= s.size() || s[i] != '.') return true;
    ++i;
  }
}

// Skips a value's text on one line from s[i], tracking brackets and multi-line strings across
// lines. Returns where a comment begins on this line, or npos.
size_t scan_value(string_view s, size_t i, ValueState& st, size_t line_no) {
  while (i < s.size()) {
    if (st.ml != ValueState::Ml::None) {
      const size_t end = multiline_end(s, i, st.ml == ValueState::Ml::Basic ? '"' : '\'');
      if (end == string_view::npos) return string_view::npos;
      st.ml = ValueState::Ml::None;
      i = end;
      continue;
    }
    const char c = s[i];
    if (c == '#') return i;
    if (c == '"' || c == '\'') {
      if (s.substr(i, 3) == std::string(3, c)) {
        st.ml = c == '"' ? ValueState::Ml::Basic : ValueState::Ml::Literal;
        i += 3;
        continue;
      }
      i = string_end(s, i);
      if (i == string_view::npos) throw TomlEditError("line " + std::to_string(line_no) + ": unterminated string");
      continue;
    }
    if (c == '[' || c == '{') ++st.depth;
    if ((c == ']' || c == '}') && --st.depth < 0)
      throw TomlEditError("line " + std::to_string(line_no) + ": unbalanced " + std::string(1, c));
    ++i;
  }
  return string_view::npos;
}

TomlStatement header(string_view s, size_t i, size_t line) {
  TomlStatement st;
  const bool array = s.substr(i, 2) == "[[";
  st.kind = array ? TomlKind::ArrayHeader : TomlKind::Header;
  size_t k = i + (array ? 2 : 1);
  const bool ok = parse_key(s, k, st.name) && s.substr(k, array ? 2 : 1) == (array ? "]]" : "]");
  k = skip_ws(s, k + (array ? 2 : 1));
  if (!ok || (k < s.size() && s[k] != '#'))
    throw TomlEditError("line " + std::to_string(line + 1) + ": cannot read this table header");
  return st;
}

// The key/value statement starting on lines[li]; sets its last line.
TomlStatement key_value(const std::vector<std::string>& lines, size_t li, size_t i) {
  TomlStatement st;
  st.kind = TomlKind::KeyValue;
  string_view s = without_cr(lines[li]);
  if (!parse_key(s, i, st.name) || i >= s.size() || s[i] != '=')
    throw TomlEditError("line " + std::to_string(li + 1) + ": expected a key = value, a [table] or a comment");
  ValueState vs;
  size_t comment = scan_value(s, i + 1, vs, li + 1);
  const size_t start = li;
  while (!vs.done()) {
    if (++li >= lines.size())
      throw TomlEditError("line " + std::to_string(start + 1) + ": the value never ends (an open string or bracket)");
    s = without_cr(lines[li]);
    comment = scan_value(s, 0, vs, li + 1);
  }
  st.last = li;
  if (li == start && comment != string_view::npos) {
    size_t from = comment;
    while (from > 0 && (s[from - 1] == ' ' || s[from - 1] == '\t')) --from;
    st.trailing_comment = std::string(s.substr(from));
  }
  return st;
}

}  // namespace

std::vector<TomlStatement> toml_statements(const std::vector<std::string>& lines) {
  std::vector<TomlStatement> out;
  for (size_t li = 0; li < lines.size();) {
    const string_view s = without_cr(lines[li]);
    const size_t i = skip_ws(s, 0);
    TomlStatement st;
    if (i == s.size()) {
      st.kind = TomlKind::Blank;
    } else if (s[i] == '#') {
      st.kind = TomlKind::Comment;
    } else if (s[i] == '[') {
      st = header(s, i, li);
    } else {
      st = key_value(lines, li, i);
    }
    st.first = li;
    if (st.kind != TomlKind::KeyValue) st.last = li;
    li = st.last + 1;
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace aicore::host

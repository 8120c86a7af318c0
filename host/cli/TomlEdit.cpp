#include "cli/TomlEdit.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "cli/TomlScan.hpp"

namespace aicore::host {
namespace {

// The file as lines without '\n'; a '\r' stays on its line, so untouched lines are rejoined byte
// for byte, and new lines get one when the file uses CRLF.
struct Lines {
  std::vector<std::string> lines;
  bool final_newline = true;
  bool crlf = false;
};

Lines split_lines(const std::string& text) {
  Lines l;
  l.crlf = text.find("\r\n") != std::string::npos;
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      l.lines.push_back(text.substr(start));
      l.final_newline = false;
      break;
    }
    l.lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return l;
}

std::string join_lines(const Lines& l) {
  std::string out;
  for (size_t i = 0; i < l.lines.size(); ++i)
    out += l.lines[i] + (i + 1 < l.lines.size() || l.final_newline ? "\n" : "");
  return out;
}

// Replace `count` lines at `first` with `with`.
struct Edit {
  size_t first;
  size_t count;
  std::vector<std::string> with;
};

std::vector<std::string> split_dotted(const std::string& name) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dot; (dot = name.find('.', start)) != std::string::npos; start = dot + 1)
    parts.push_back(name.substr(start, dot - start));
  parts.push_back(name.substr(start));
  return parts;
}

bool starts_with(const std::vector<std::string>& name, const std::vector<std::string>& prefix, size_t n) {
  return name.size() >= n && prefix.size() >= n && std::equal(prefix.begin(), prefix.begin() + n, name.begin());
}

// Refuses a file that defines `table` (or its parent as a whole) other than by its own header:
// a header appended or edited beside such a definition would make the file invalid.
void check_no_other_definition(const std::vector<TomlStatement>& st, const std::vector<std::string>& table) {
  std::vector<std::string> current;  // the table the statements belong to
  for (const auto& s : st) {
    if (s.kind == TomlKind::Header || s.kind == TomlKind::ArrayHeader) {
      current = s.name;
      if (s.kind == TomlKind::ArrayHeader && starts_with(table, s.name, s.name.size()))
        throw TomlEditError("line " + std::to_string(s.first + 1) + ": an array of tables [[...]] covers this table");
      continue;
    }
    if (s.kind != TomlKind::KeyValue) continue;
    std::vector<std::string> full = current;
    full.insert(full.end(), s.name.begin(), s.name.end());
    // A key naming the table, a parent of it, or something inside it, from outside its header.
    const bool clash = current.size() < table.size() && starts_with(full, table, std::min(full.size(), table.size()));
    if (clash)
      throw TomlEditError("line " + std::to_string(s.first + 1) +
                          ": this key defines part of the table in a form this edit does not change (an inline table "
                          "or dotted keys); change that by hand");
  }
}

// Each line's kind: the kind of the statement it belongs to.
std::vector<TomlKind> line_kinds(const std::vector<TomlStatement>& st, size_t n) {
  std::vector<TomlKind> kinds(n, TomlKind::Blank);
  for (const auto& s : st)
    for (size_t i = s.first; i <= s.last; ++i) kinds[i] = s.kind;
  return kinds;
}

bool is_header(const TomlStatement& s) { return s.kind == TomlKind::Header || s.kind == TomlKind::ArrayHeader; }

// The top-level edits: each key replaced where it is (keeping its comment), the others added after
// the last top-level key, or, with none, above the first header and the comment lines on it.
void top_level_edits(const Lines& l, const std::vector<TomlStatement>& st,
                     const std::vector<std::pair<std::string, std::string>>& keys, std::vector<Edit>& edits) {
  const auto header = std::find_if(st.begin(), st.end(), is_header);
  const auto kinds = line_kinds(st, l.lines.size());
  std::optional<size_t> after_last_key;
  for (auto it = st.begin(); it != header; ++it)
    if (it->kind == TomlKind::KeyValue) after_last_key = it->last + 1;
  std::vector<std::string> added;
  for (const auto& kv : keys) {  // no structured binding: clang 14 cannot capture one in the lambda
    const std::string& key = kv.first;
    const std::string& value = kv.second;
    const auto found = std::find_if(st.begin(), header, [&](const TomlStatement& s) {
      return s.kind == TomlKind::KeyValue && s.name == std::vector<std::string>{key};
    });
    if (found != header)
      edits.push_back({found->first, found->last - found->first + 1, {key + " = " + value + found->trailing_comment}});
    else
      added.push_back(key + " = " + value);
  }
  if (added.empty()) return;
  size_t at = after_last_key.value_or(header == st.end() ? l.lines.size() : header->first);
  if (!after_last_key)
    while (at > 0 && kinds[at - 1] == TomlKind::Comment) --at;
  if (at < l.lines.size() && kinds[at] != TomlKind::Blank) added.emplace_back("");
  edits.push_back({at, 0, added});
}

// The table's body (from its header to its last key, before any sub-table) replaced, keeping the
// header line and the blank and comment lines after the body; or the table appended at the end.
void table_edit(const Lines& l, const std::vector<TomlStatement>& st, const std::string& table,
                const std::vector<std::string>& body, std::vector<Edit>& edits) {
  const auto parts = split_dotted(table);
  const auto h = std::find_if(st.begin(), st.end(),
                              [&](const TomlStatement& s) { return s.kind == TomlKind::Header && s.name == parts; });
  if (h != st.end()) {
    size_t last = h->last;
    for (auto it = h + 1; it != st.end() && !is_header(*it); ++it)
      if (it->kind == TomlKind::KeyValue) last = it->last;
    edits.push_back({h->first + 1, last - h->first, body});
    return;
  }
  const size_t end = l.lines.size();
  const bool keys_at_end = std::any_of(edits.begin(), edits.end(), [&](const Edit& e) { return e.first == end; });
  const auto kinds = line_kinds(st, end);
  std::vector<std::string> added;
  if (keys_at_end || (end > 0 && kinds[end - 1] != TomlKind::Blank)) added.emplace_back("");
  added.push_back("[" + table + "]");
  added.insert(added.end(), body.begin(), body.end());
  edits.push_back({end, 0, added});
}

// Applies the edits from the last line up, so each one's line numbers still hold; at the same
// line, the one made first ends up first.
void apply(Lines& l, std::vector<Edit> edits) {
  std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.first < b.first; });
  for (auto it = edits.rbegin(); it != edits.rend(); ++it) {
    if (it->first == l.lines.size() && !l.final_newline) {  // the last line gets its line end, then more
      if (l.crlf && !l.lines.empty()) l.lines.back() += '\r';
      l.final_newline = true;
    }
    std::vector<std::string> with = it->with;
    if (l.crlf)
      for (auto& line : with) line += '\r';
    const auto at = l.lines.begin() + static_cast<std::ptrdiff_t>(it->first);
    l.lines.erase(at, at + static_cast<std::ptrdiff_t>(it->count));
    l.lines.insert(l.lines.begin() + static_cast<std::ptrdiff_t>(it->first), with.begin(), with.end());
  }
}

}  // namespace

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string toml_edit(const std::string& text, const std::vector<std::pair<std::string, std::string>>& top_level,
                      const std::string& table, const std::vector<std::string>& body) {
  Lines l = split_lines(text);
  const auto st = toml_statements(l.lines);
  check_no_other_definition(st, split_dotted(table));
  std::vector<Edit> edits;
  top_level_edits(l, st, top_level, edits);
  table_edit(l, st, table, body, edits);
  apply(l, std::move(edits));
  return join_lines(l);
}

}  // namespace aicore::host

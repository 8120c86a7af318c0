// The validation is the SDK's json_scan (Grammar::Canonical), the one fast-path validator the host
// and the plugins share; this file adds what only the openai plugin needs: walking the members and
// elements of a text that has passed it.
#include "fast_json.hpp"

#include "json_util.hpp"

#include <charconv>
#include <cstring>
#include <system_error>

namespace aicore::openai::fast {
namespace {

// A float is canonical when dump writes it back the same way (rare in chat answers: logprobs).
bool float_ok(std::string_view tok) {
  double d = 0;
  std::from_chars(tok.data(), tok.data() + tok.size(), d);  // the scan has checked it parses
  return Json(d).dump() == tok;
}

// Skips one value of an already validated canonical text; returns the position after it.
size_t skip(std::string_view s, size_t p) {
  const char c = s[p];
  if (c == '"') {
    // The next quote not escaped by an odd run of backslashes (memchr is vectorised).
    for (++p;;) {
      const char* q = static_cast<const char*>(std::memchr(s.data() + p, '"', s.size() - p));
      size_t at = static_cast<size_t>(q - s.data());
      size_t backslashes = 0;
      while (at - backslashes > p && s[at - backslashes - 1] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return at + 1;
      p = at + 1;
    }
  }
  if (c == '{' || c == '[') {
    int depth = 0;
    for (;; ++p) {
      const char x = s[p];
      if (x == '"') {
        p = skip(s, p) - 1;
      } else if (x == '{' || x == '[') {
        ++depth;
      } else if (x == '}' || x == ']') {
        if (--depth == 0) return p + 1;
      }
    }
  }
  // number or literal: up to the next delimiter
  while (p < s.size() && s[p] != ',' && s[p] != '}' && s[p] != ']') ++p;
  return p;
}

}  // namespace

bool canonical(std::string_view text) {
  return !text.empty() && json_scan::scan_canonical(text, kMaxJsonDepth, float_ok, [](const Member&) {});
}

// The member lists grow to a chat object's usual size at once, not through 1, 2, 4, 8, 16
// (each a malloc; a pass-through request walks about ten of them).
constexpr size_t kUsualMembers = 16;

bool canonical_object(std::string_view text, std::vector<Member>& top) {
  top.clear();
  top.reserve(kUsualMembers);
  auto keep = [&](const Member& m) { top.push_back(m); };
  return !text.empty() && text.front() == '{' && json_scan::scan_canonical(text, kMaxJsonDepth, float_ok, keep);
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view ws = " \t\r\n";
  const size_t b = text.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return text.substr(b, text.find_last_not_of(ws) + 1 - b);
}

void members(std::string_view object, std::vector<Member>& out) {
  out.clear();
  out.reserve(kUsualMembers);
  size_t p = 1;
  if (object[p] == '}') return;
  for (;;) {
    const size_t start = p;
    const size_t key_end = skip(object, p);
    const size_t v = key_end + 1;  // after ':'
    const size_t end = skip(object, v);
    out.push_back(Member{object.substr(start + 1, key_end - start - 2), object.substr(v, end - v),
                         object.substr(start, end - start)});
    if (object[end] != ',') return;
    p = end + 1;
  }
}

namespace {

// A canonical number token as int_or() reads the DOM's value: an integer (one beyond int64_t but
// within uint64_t wraps, as get<uint64_t>() cast does), else -1 (a float, or beyond uint64_t).
int64_t integer_or_unknown(std::string_view t) {
  if (t.empty() || t.find_first_not_of("-0123456789") != std::string_view::npos) return -1;
  const char* end = t.data() + t.size();
  int64_t v = 0;
  if (auto [p, ec] = std::from_chars(t.data(), end, v); ec == std::errc() && p == end) return v;
  uint64_t u = 0;
  if (auto [p, ec] = std::from_chars(t.data(), end, u); ec == std::errc() && p == end) return static_cast<int64_t>(u);
  return -1;
}

// The member `key` of a canonical object (the last one, as the DOM keeps), as int_or(obj, key, -1).
int64_t member_integer(std::string_view object, std::string_view key, std::vector<Member>& scratch) {
  if (object.empty() || object.front() != '{') return -1;
  members(object, scratch);
  int64_t v = -1;
  for (const Member& m : scratch)
    if (m.key == key) v = integer_or_unknown(m.value);
  return v;
}

}  // namespace

Usage usage(std::string_view value) {
  Usage out;
  if (value.empty() || value.front() != '{') return out;
  std::vector<Member> top, scratch;
  members(value, top);
  for (const Member& m : top) {
    if (m.key == "prompt_tokens")
      out.input_tokens = integer_or_unknown(m.value);
    else if (m.key == "completion_tokens")
      out.output_tokens = integer_or_unknown(m.value);
    else if (m.key == "prompt_tokens_details")
      out.cache_read_tokens = member_integer(m.value, "cached_tokens", scratch);
    else if (m.key == "completion_tokens_details")
      out.reasoning_tokens = member_integer(m.value, "reasoning_tokens", scratch);
  }
  return out;
}

void elements(std::string_view array, std::vector<std::string_view>& out) {
  out.clear();
  out.reserve(kUsualMembers);
  size_t p = 1;
  if (array[p] == ']') return;
  for (;;) {
    const size_t end = skip(array, p);
    out.push_back(array.substr(p, end - p));
    if (array[end] != ',') return;
    p = end + 1;
  }
}

}  // namespace aicore::openai::fast

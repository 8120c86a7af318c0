// One hand-written JSON validator for the fast paths of the host and the plugins, header-only so
// both get it without a DOM library. It never builds anything: it checks a text against one of two
// grammars and hands the caller the spans of the top-level members.
//
//   Grammar::Any        what nlohmann's parser accepts (RFC 8259, well-formed UTF-8, numbers
//                       within a double), minus a few rare cases it leaves to the caller (any
//                       \uD800-\uDFFF escape, a BOM): "false" means "parse it properly and let the
//                       parser decide". The host reads a client body's routing fields with it.
//   Grammar::Canonical  only the text nlohmann's dump() would write for the same value: compact,
//                       no duplicate keys, only the escapes dump writes, integers that stay integers
//                       and floats the caller's `float_ok` says dump writes back unchanged. A plugin
//                       may then copy spans of such a text instead of re-serialising a DOM.
//
// THREADS: stateless apart from the Scanner object; use one per call.
// Recursion is bounded by `max_depth` (objects and arrays), so it is safe on a worker's small stack.
#pragma once

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace aicore::json_scan {

enum class Grammar { Any, Canonical };

// One member of the top-level object: the raw key (between the quotes, escapes as written), the
// value's text and the whole `"key":value` text (for Grammar::Any it may hold whitespace).
struct Member {
  std::string_view key;
  std::string_view value;
  std::string_view text;
};

namespace detail {

// Eight string bytes at a time: a mask with bit 7 of each byte set that is a quote, a backslash, a
// control character or non-ASCII (the has-zero-byte tricks), 0 when none is. A borrow can flag a
// byte above a flagged one, never below: the lowest flagged byte is always a real one, so a string
// scan can jump straight to it. Most of a chat text is plain.
inline uint64_t special8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  auto zero = [&](uint64_t x) { return (x - ones) & ~x & highs; };
  return zero(v ^ (ones * '"')) | zero(v ^ (ones * '\\')) | ((v - ones * 0x20) & ~v & highs) | (v & highs);
}

// How many bytes of the eight at `p` surely come before the first special8 byte (`mask` nonzero).
inline size_t first_special(uint64_t mask) {
  // On a little-endian machine memcpy puts the first byte in the lowest bits, where the flags are
  // exact; elsewhere the first flagged byte may be a borrow's: say 0, the caller steps bytewise.
  if constexpr (std::endian::native == std::endian::little) return static_cast<size_t>(std::countr_zero(mask)) >> 3;
  return 0;
}

// The length of the one well-formed UTF-8 sequence (RFC 3629) at `p`, or 0.
inline size_t utf8_length(std::string_view s, size_t p) {
  auto b = [&](size_t i) { return p + i < s.size() ? static_cast<unsigned char>(s[p + i]) : 0; };
  auto in = [](unsigned char x, unsigned lo, unsigned hi) { return x >= lo && x <= hi; };
  const unsigned char c = b(0);
  const bool c1 = in(b(1), 0x80, 0xBF), c2 = in(b(2), 0x80, 0xBF), c3 = in(b(3), 0x80, 0xBF);
  if (in(c, 0xC2, 0xDF)) return c1 ? 2 : 0;
  if (c == 0xE0) return in(b(1), 0xA0, 0xBF) && c2 ? 3 : 0;
  if (in(c, 0xE1, 0xEC) || c == 0xEE || c == 0xEF) return c1 && c2 ? 3 : 0;
  if (c == 0xED) return in(b(1), 0x80, 0x9F) && c2 ? 3 : 0;
  if (c == 0xF0) return in(b(1), 0x90, 0xBF) && c2 && c3 ? 4 : 0;
  if (in(c, 0xF1, 0xF3)) return c1 && c2 && c3 ? 4 : 0;
  if (c == 0xF4) return in(b(1), 0x80, 0x8F) && c2 && c3 ? 4 : 0;
  return 0;
}

inline int hex_value(char c, bool upper_ok) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (upper_ok && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace detail

// Checks `text` against grammar G (a whole text, no trailing bytes). `on_member(const Member&)` is
// called for each member of a top-level object, in order (also when the text is later refused);
// `float_ok(std::string_view)` decides Canonical floats (unused for Any).
template <Grammar G, class OnMember, class FloatOk>
class Scanner {
 public:
  Scanner(std::string_view s, int max_depth, OnMember& on_member, FloatOk& float_ok)
      : s_(s), max_depth_(max_depth), on_member_(on_member), float_ok_(float_ok) {
    if constexpr (G == Grammar::Canonical) keys_.reserve(32);  // one malloc, not one per doubling
  }

  bool run() {
    ws();
    if (!value(0)) return false;
    ws();
    return p_ == s_.size();
  }

 private:
  static constexpr bool kAny = G == Grammar::Any;

  void ws() {
    if constexpr (kAny) {
      while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\r' || s_[p_] == '\t')) ++p_;
    }
  }

  bool at(char c) const { return p_ < s_.size() && s_[p_] == c; }

  bool value(int depth) {
    if (p_ >= s_.size()) return false;
    switch (s_[p_]) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  bool literal(std::string_view lit) {
    if (s_.substr(p_, lit.size()) != lit) return false;
    p_ += lit.size();
    return true;
  }

  // After an element: true with `more` when a ',' follows, true without it at `close`.
  bool separator(char close, bool& more) {
    ws();
    if (p_ >= s_.size()) return false;
    more = s_[p_] == ',';
    if (!more && s_[p_] != close) return false;
    ++p_;
    if (more) ws();
    return true;
  }

  // object() and array() loop inline, without helpers or lambdas: each nesting level costs these
  // two frames only, which keeps max_depth levels within a worker's small stack (under ASan too).
  bool object(int depth) {
    if (depth > max_depth_) return false;
    ++p_;  // '{'
    ws();
    if (at('}')) {
      ++p_;
      return true;
    }
    const size_t first_key = keys_.size();
    for (bool more = true; more;) {
      if (!at('"')) return false;
      const size_t k = p_;
      if (!string()) return false;
      const std::string_view key = s_.substr(k + 1, p_ - k - 2);
      if constexpr (!kAny) keys_.push_back(key);
      ws();
      if (!at(':')) return false;
      ++p_;
      ws();
      const size_t v = p_;
      if (!value(depth)) return false;
      if (depth == 1) on_member_(Member{key, s_.substr(v, p_ - v), s_.substr(k, p_ - k)});
      if (!separator('}', more)) return false;
    }
    if constexpr (kAny) return true;
    // Duplicate keys collapse into one in a DOM: not canonical. Canonical escapes are unique, so
    // equal raw keys are exactly equal keys.
    const bool dup = duplicates(first_key);
    keys_.resize(first_key);
    return !dup;
  }

  bool array(int depth) {
    if (depth > max_depth_) return false;
    ++p_;  // '['
    ws();
    if (at(']')) {
      ++p_;
      return true;
    }
    for (bool more = true; more;) {
      if (!value(depth) || !separator(']', more)) return false;
    }
    return true;
  }

  bool duplicates(size_t first) const {
    const auto b = keys_.begin() + static_cast<std::ptrdiff_t>(first);
    if (keys_.end() - b <= 16) {
      for (auto i = b; i != keys_.end(); ++i)
        if (std::find(i + 1, keys_.end(), *i) != keys_.end()) return true;
      return false;
    }
    std::vector<std::string_view> sorted(b, keys_.end());
    std::sort(sorted.begin(), sorted.end());
    return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
  }

  bool string() {
    ++p_;  // '"'
    const size_t n = s_.size();
    while (p_ < n) {
      if (p_ + 8 <= n) {  // eight at a time, then straight to the first byte that needs a look
        const uint64_t special = detail::special8(s_.data() + p_);
        if (special == 0) {
          p_ += 8;
          continue;
        }
        p_ += detail::first_special(special);
      }
      const auto c = static_cast<unsigned char>(s_[p_]);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        if (!escape()) return false;
        continue;
      }
      if (c < 0x20) return false;
      if (c < 0x80) {
        ++p_;
        continue;
      }
      const size_t len = detail::utf8_length(s_, p_);
      if (len == 0) return false;
      p_ += len;
    }
    return false;
  }

  bool escape() {
    if (p_ + 1 >= s_.size()) return false;
    switch (s_[p_ + 1]) {
      case '/':
        if constexpr (!kAny) return false;  // dump writes '/' as is
        [[fallthrough]];
      case '"':
      case '\\':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't': p_ += 2; return true;
      case 'u': break;
      default: return false;
    }
    if (p_ + 5 >= s_.size()) return false;
    int v = 0;
    for (size_t i = 2; i < 6; ++i) {
      const int h = detail::hex_value(s_[p_ + i], kAny);  // dump writes lower-case hex
      if (h < 0) return false;
      v = v * 16 + h;
    }
    p_ += 6;
    if constexpr (kAny) return v < 0xD800 || v > 0xDFFF;  // surrogates must pair: the parser decides
    // dump writes \u00xx only for the control characters that have no short escape.
    return v < 0x20 && v != 0x08 && v != 0x09 && v != 0x0a && v != 0x0c && v != 0x0d;
  }

  bool digit() const { return p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9'; }

  void digits() {
    while (digit()) ++p_;
  }

  bool number() {
    const size_t start = p_;
    const bool neg = at('-');
    if (neg) ++p_;
    if (!digit()) return false;
    if (s_[p_] == '0')
      ++p_;
    else
      digits();
    bool is_float = false;
    if (at('.')) {
      ++p_;
      if (!digit()) return false;
      digits();
      is_float = true;
    }
    if (at('e') || at('E')) {
      ++p_;
      if (at('+') || at('-')) ++p_;
      if (!digit()) return false;
      digits();
      is_float = true;
    }
    const std::string_view tok = s_.substr(start, p_ - start);
    // Up to 18 digits always fit an int64; a longer integer may become a float in a DOM.
    const bool short_int = !is_float && tok.size() - (neg ? 1 : 0) <= 18;
    if constexpr (!kAny) {
      if (!is_float) return short_int && tok != "-0";  // a DOM writes -0 back as 0
    } else if (short_int) {
      return true;
    }
    double d = 0;
    auto [end, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), d);
    if (ec != std::errc() || end != tok.data() + tok.size() || !std::isfinite(d)) return false;  // 1e999
    if constexpr (kAny) return true;
    return float_ok_(tok);
  }

  std::string_view s_;
  int max_depth_;
  OnMember& on_member_;
  FloatOk& float_ok_;
  size_t p_ = 0;
  std::vector<std::string_view> keys_;  // Canonical: the keys of the open objects, for duplicates
};

// Grammar::Any: true when nlohmann would surely accept `text`; `on_member` sees a top-level
// object's members.
template <class OnMember>
bool scan_any(std::string_view text, int max_depth, OnMember&& on_member) {
  auto no_floats = [](std::string_view) { return false; };
  return Scanner<Grammar::Any, OnMember, decltype(no_floats)>(text, max_depth, on_member, no_floats).run();
}

// Grammar::Canonical: true when dump(parse(text)) == text, given `float_ok` for floats.
template <class OnMember, class FloatOk>
bool scan_canonical(std::string_view text, int max_depth, FloatOk&& float_ok, OnMember&& on_member) {
  return Scanner<Grammar::Canonical, OnMember, FloatOk>(text, max_depth, on_member, float_ok).run();
}

}  // namespace aicore::json_scan

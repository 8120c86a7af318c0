// host/server/BodyScan.cpp is the other hand-written JSON scanner, for a different job: it accepts
// any JSON nlohmann accepts (whitespace, escapes) to find a client body's model and stream fields.
// Canonical text is a much narrower grammar at every token, so the two are kept apart.
#include "fast_json.hpp"

#include "json_util.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace aicore::openai::fast {
namespace {

// Printable ASCII other than '"' and '\\': taken as is inside a string.
constexpr auto kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

// Eight bytes at a time: true when none of them needs a look (a quote, a backslash, a control
// character or a non-ASCII byte). The classic has-zero-byte tricks; no false "plain".
inline bool plain8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  auto zero = [&](uint64_t x) { return (x - ones) & ~x & highs; };
  const uint64_t special =
      zero(v ^ (ones * '"')) | zero(v ^ (ones * '\\')) | ((v - ones * 0x20) & ~v & highs) | (v & highs);
  return special == 0;
}

class Checker {
 public:
  explicit Checker(std::string_view s, std::vector<Member>* top = nullptr) : s_(s), top_(top) {}

  bool run() { return value(0) && p_ == s_.size(); }

 private:
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

  bool object(int depth) {
    if (depth > kMaxJsonDepth) return false;
    ++p_;  // '{'
    if (p_ < s_.size() && s_[p_] == '}') {
      ++p_;
      return true;
    }
    const size_t first_key = keys_.size();
    for (;;) {
      if (p_ >= s_.size() || s_[p_] != '"') return false;
      const size_t k = p_ + 1;
      if (!string()) return false;
      keys_.push_back(s_.substr(k, p_ - 1 - k));
      if (p_ >= s_.size() || s_[p_] != ':') return false;
      ++p_;
      const size_t v = p_;
      if (!value(depth)) return false;
      if (depth == 1 && top_)
        top_->push_back(Member{keys_.back(), s_.substr(v, p_ - v), s_.substr(k - 1, p_ - (k - 1))});
      if (p_ >= s_.size()) return false;
      if (s_[p_] == ',') {
        ++p_;
        continue;
      }
      if (s_[p_] != '}') return false;
      ++p_;
      break;
    }
    // Duplicate keys collapse into one in the DOM: not canonical. Escapes are canonical, so equal
    // raw keys are exactly equal keys.
    const bool dup = duplicates(first_key);
    keys_.resize(first_key);
    return !dup;
  }

  bool duplicates(size_t first) {
    const size_t n = keys_.size() - first;
    if (n < 2) return false;
    if (n <= 16) {
      for (size_t i = first; i < keys_.size(); ++i)
        for (size_t j = i + 1; j < keys_.size(); ++j)
          if (keys_[i] == keys_[j]) return true;
      return false;
    }
    std::vector<std::string_view> sorted(keys_.begin() + static_cast<std::ptrdiff_t>(first), keys_.end());
    std::sort(sorted.begin(), sorted.end());
    return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
  }

  bool array(int depth) {
    if (depth > kMaxJsonDepth) return false;
    ++p_;  // '['
    if (p_ < s_.size() && s_[p_] == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      if (!value(depth)) return false;
      if (p_ >= s_.size()) return false;
      if (s_[p_] == ',') {
        ++p_;
        continue;
      }
      if (s_[p_] != ']') return false;
      ++p_;
      return true;
    }
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;  // upper-case hex is valid JSON but dump writes lower case: not canonical
  }

  bool string() {
    ++p_;  // '"'
    const size_t n = s_.size();
    while (p_ < n) {
      while (p_ + 8 <= n && plain8(s_.data() + p_)) p_ += 8;
      while (p_ < n && kPlain[static_cast<unsigned char>(s_[p_])]) ++p_;
      if (p_ >= n) return false;
      const auto c = static_cast<unsigned char>(s_[p_]);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        if (p_ + 1 >= n) return false;
        switch (s_[p_ + 1]) {
          case '"':
          case '\\':
          case 'b':
          case 'f':
          case 'n':
          case 'r':
          case 't': p_ += 2; continue;
          case 'u': {
            // dump writes \u00xx only for the control characters that have no short escape.
            if (p_ + 5 >= n) return false;
            int v = 0;
            for (size_t i = 2; i < 6; ++i) {
              int h = hex(s_[p_ + i]);
              if (h < 0) return false;
              v = v * 16 + h;
            }
            if (v >= 0x20 || v == 0x08 || v == 0x09 || v == 0x0a || v == 0x0c || v == 0x0d) return false;
            p_ += 6;
            continue;
          }
          default: return false;  // "\/" and invalid escapes
        }
      }
      if (c < 0x20) return false;
      if (c < 0x80) {
        ++p_;
        continue;
      }
      if (!utf8()) return false;
    }
    return false;
  }

  // One well-formed UTF-8 sequence (RFC 3629), as nlohmann's lexer requires.
  bool utf8() {
    const size_t n = s_.size();
    auto b = [&](size_t i) { return p_ + i < n ? static_cast<unsigned char>(s_[p_ + i]) : 0; };
    auto in = [](unsigned char x, unsigned lo, unsigned hi) { return x >= lo && x <= hi; };
    const unsigned char c = b(0);
    if (in(c, 0xC2, 0xDF)) {
      if (!in(b(1), 0x80, 0xBF)) return false;
      p_ += 2;
    } else if (c == 0xE0) {
      if (!in(b(1), 0xA0, 0xBF) || !in(b(2), 0x80, 0xBF)) return false;
      p_ += 3;
    } else if (in(c, 0xE1, 0xEC) || c == 0xEE || c == 0xEF) {
      if (!in(b(1), 0x80, 0xBF) || !in(b(2), 0x80, 0xBF)) return false;
      p_ += 3;
    } else if (c == 0xED) {
      if (!in(b(1), 0x80, 0x9F) || !in(b(2), 0x80, 0xBF)) return false;
      p_ += 3;
    } else if (c == 0xF0) {
      if (!in(b(1), 0x90, 0xBF) || !in(b(2), 0x80, 0xBF) || !in(b(3), 0x80, 0xBF)) return false;
      p_ += 4;
    } else if (in(c, 0xF1, 0xF3)) {
      if (!in(b(1), 0x80, 0xBF) || !in(b(2), 0x80, 0xBF) || !in(b(3), 0x80, 0xBF)) return false;
      p_ += 4;
    } else if (c == 0xF4) {
      if (!in(b(1), 0x80, 0x8F) || !in(b(2), 0x80, 0xBF) || !in(b(3), 0x80, 0xBF)) return false;
      p_ += 4;
    } else {
      return false;
    }
    return true;
  }

  bool digit() const { return p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9'; }

  bool number() {
    const size_t start = p_;
    const bool neg = s_[p_] == '-';
    if (neg) ++p_;
    if (!digit()) return false;
    if (s_[p_] == '0') {
      ++p_;
    } else {
      while (digit()) ++p_;
    }
    bool is_float = false;
    if (p_ < s_.size() && s_[p_] == '.') {
      ++p_;
      if (!digit()) return false;
      while (digit()) ++p_;
      is_float = true;
    }
    if (p_ < s_.size() && (s_[p_] == 'e' || s_[p_] == 'E')) {
      ++p_;
      if (p_ < s_.size() && (s_[p_] == '+' || s_[p_] == '-')) ++p_;
      if (!digit()) return false;
      while (digit()) ++p_;
      is_float = true;
    }
    const std::string_view tok = s_.substr(start, p_ - start);
    if (!is_float) {
      // -0 becomes 0; more than 18 digits may not fit an int64 and turn into a float.
      return tok != "-0" && tok.size() - (neg ? 1 : 0) <= 18;
    }
    // A float is canonical when dump writes it back the same way (rare in chat answers: logprobs).
    double d = 0;
    auto [end, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), d);
    if (ec != std::errc() || end != tok.data() + tok.size() || !std::isfinite(d)) return false;
    return Json(d).dump() == tok;
  }

  std::string_view s_;
  std::vector<Member>* top_;
  size_t p_ = 0;
  std::vector<std::string_view> keys_;
};

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

bool canonical(std::string_view text) { return !text.empty() && Checker(text).run(); }

bool canonical_object(std::string_view text, std::vector<Member>& top) {
  top.clear();
  return !text.empty() && text.front() == '{' && Checker(text, &top).run();
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view ws = " \t\r\n";
  const size_t b = text.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return text.substr(b, text.find_last_not_of(ws) + 1 - b);
}

void members(std::string_view object, std::vector<Member>& out) {
  out.clear();
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

void elements(std::string_view array, std::vector<std::string_view>& out) {
  out.clear();
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

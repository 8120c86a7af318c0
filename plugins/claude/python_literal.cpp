#include "python_literal.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace aicore::claude {
namespace {

// The same limit as for JSON: what this returns is copied and serialised recursively.
constexpr int kMaxDepth = kMaxJsonDepth;

struct Fail {
  size_t offset;
  std::string what;
};

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Json document() {
    Json v = value(0);
    skip_ws();
    if (i_ != s_.size()) fail("unexpected text after the value");
    return v;
  }

 private:
  [[noreturn]] void fail(std::string what) const { throw Fail{i_, std::move(what)}; }

  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }

  void skip_ws() {
    while (!at_end()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
        ++i_;
      else
        break;
    }
  }

  void expect(char c) {
    skip_ws();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }

  // After an item of a container: ',' (possibly trailing) or the closing bracket. True: more items.
  bool next_item(char close) {
    skip_ws();
    if (peek() == ',') {
      ++i_;
      skip_ws();
      return peek() != close;
    }
    if (peek() == close) return false;
    fail(std::string("expected ',' or '") + close + "'");
  }

  // `depth`: the containers around this value. A container here is one more, counted as
  // nested_deeper_than counts brackets, so JSON and Python literals share one limit exactly.
  Json value(int depth) {
    skip_ws();
    if (at_end()) fail("unexpected end of input");
    char c = s_[i_];
    if ((c == '{' || c == '[' || c == '(') && depth + 1 > kMaxDepth)
      fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    switch (c) {
      case '{': return dict(depth);
      case '[': return sequence(depth, ']');
      case '(': return sequence(depth, ')');
      case '\'':
      case '"': return strings();
      default: break;
    }
    if (c == '-' || c == '+' || c == '.' || std::isdigit(static_cast<unsigned char>(c))) return number();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = i_;
      while (!at_end() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) ++i_;
      std::string_view word = s_.substr(start, i_ - start);
      if (!at_end() && (s_[i_] == '\'' || s_[i_] == '"') && word.size() <= 2) {
        i_ = start;  // a prefixed string literal: r'…', b'…', u'…', rb'…'
        return strings();
      }
      if (word == "True" || word == "true") return true;
      if (word == "False" || word == "false") return false;
      if (word == "None" || word == "null") return nullptr;
      i_ = start;
      fail("unknown name '" + std::string(word.substr(0, 40)) + "'");
    }
    fail(std::string("unexpected character '") + c + "'");
  }

  Json dict(int depth) {
    ++i_;  // {
    Json obj = Json::object();
    skip_ws();
    if (peek() == '}') {
      ++i_;
      return obj;
    }
    do {
      skip_ws();
      Json key = value(depth + 1);
      std::string k;
      if (key.is_string())
        k = key.get<std::string>();
      else if (key.is_number() || key.is_boolean() || key.is_null())
        k = key.dump();
      else
        fail("dict key must be a string or a number");
      expect(':');
      obj[k] = value(depth + 1);
    } while (next_item('}'));
    expect('}');
    return obj;
  }

  Json sequence(int depth, char close) {
    ++i_;
    Json arr = Json::array();
    skip_ws();
    if (peek() == close) {
      ++i_;
      return arr;
    }
    do arr.push_back(value(depth + 1));
    while (next_item(close));
    expect(close);
    return arr;
  }

  // One or more adjacent string literals ('a' "b" is "ab" in Python). Bytes and str do not mix.
  Json strings() {
    std::string text;
    bool bytes = false, first = true;
    for (;;) {
      skip_ws();
      size_t start = i_;
      bool is_raw = false, is_bytes = false;
      while (!at_end() && std::isalpha(static_cast<unsigned char>(s_[i_])) && i_ - start < 2) {
        char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s_[i_])));
        if (p == 'r')
          is_raw = true;
        else if (p == 'b')
          is_bytes = true;
        else if (p != 'u')
          break;
        ++i_;
      }
      if (at_end() || (s_[i_] != '\'' && s_[i_] != '"')) {
        i_ = start;
        if (first) fail("expected a string");
        break;
      }
      if (!first && is_bytes != bytes) fail("cannot mix bytes and str literals");
      bytes = is_bytes;
      literal(text, is_raw, is_bytes);
      first = false;
    }
    if (bytes) return base64(text);
    return text;
  }

  // One quoted literal at i_, appended to `out` (raw bytes for a bytes literal, UTF-8 otherwise).
  void literal(std::string& out, bool raw, bool bytes) {
    const char q = s_[i_];
    const bool triple = s_.substr(i_, 3) == std::string_view(std::string(3, q));
    i_ += triple ? 3 : 1;
    for (;;) {
      if (at_end()) fail("unterminated string");
      char c = s_[i_];
      if (c == q) {
        if (!triple) {
          ++i_;
          return;
        }
        if (s_.substr(i_, 3) == std::string_view(std::string(3, q))) {
          i_ += 3;
          return;
        }
        out += c;
        ++i_;
        continue;
      }
      if (!triple && (c == '\n' || c == '\r')) fail("newline in a string");
      if (c != '\\') {
        out += c;
        ++i_;
        continue;
      }
      // Backslash.
      if (i_ + 1 >= s_.size()) fail("unterminated string");
      char e = s_[i_ + 1];
      if (raw) {  // r'…': the backslash stays, but still protects the quote after it
        out += c;
        out += e;
        i_ += 2;
        continue;
      }
      i_ += 2;
      switch (e) {
        case '\n': break;  // line continuation
        case '\r':
          if (peek() == '\n') ++i_;
          break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case 'x': {
          int v = hex_digits(2);
          if (bytes)
            out += static_cast<char>(v);
          else
            append_utf8(out, static_cast<uint32_t>(v));
          break;
        }
        case 'u':
        case 'U': {
          if (bytes) {  // not an escape in bytes literals
            out += '\\';
            out += e;
            break;
          }
          uint32_t cp = static_cast<uint32_t>(hex_digits(e == 'u' ? 4 : 8));
          // A JSON-style surrogate pair: \ud83d\ude00.
          if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(i_, 2) == "\\u") {
            size_t save = i_;
            i_ += 2;
            uint32_t lo = static_cast<uint32_t>(hex_digits(4));
            if (lo >= 0xDC00 && lo <= 0xDFFF)
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            else
              i_ = save;
          }
          append_utf8(out, cp);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            uint32_t v = static_cast<uint32_t>(e - '0');
            for (int k = 0; k < 2 && peek() >= '0' && peek() <= '7'; ++k)
              v = v * 8 + static_cast<uint32_t>(s_[i_++] - '0');
            if (bytes)
              out += static_cast<char>(v & 0xFF);
            else
              append_utf8(out, v);
          } else {
            out += '\\';  // unknown escape: Python keeps both characters
            out += e;
          }
      }
    }
  }

  int hex_digits(int n) {
    int64_t v = 0;
    for (int k = 0; k < n; ++k) {
      int h = hex_value(peek());
      if (h < 0) fail("bad hex escape");
      v = v * 16 + h;
      ++i_;
    }
    return v > 0x7FFFFFFF ? 0x110000 : static_cast<int>(v);  // out of range becomes U+FFFD
  }

  Json number() {
    size_t start = i_;
    bool negative = false;
    if (peek() == '+' || peek() == '-') {
      negative = peek() == '-';
      ++i_;
      skip_ws();  // Python allows "- 1"
    }
    // 0x / 0o / 0b integers.
    if (peek() == '0' && i_ + 1 < s_.size()) {
      char b = static_cast<char>(std::tolower(static_cast<unsigned char>(s_[i_ + 1])));
      int base = b == 'x' ? 16 : b == 'o' ? 8 : b == 'b' ? 2 : 0;
      if (base) {
        i_ += 2;
        std::string digits;
        while (!at_end() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) {
          if (s_[i_] != '_') digits += s_[i_];
          ++i_;
        }
        uint64_t v = 0;
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
        if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size()) {
          i_ = start;
          fail("bad integer literal");
        }
        return integer(v, negative);
      }
    }
    std::string text;
    bool is_float = false;
    auto digits = [&] {
      size_t n = 0;
      while (!at_end() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || (s_[i_] == '_' && n > 0))) {
        if (s_[i_] != '_') text += s_[i_], ++n;
        ++i_;
      }
      return n;
    };
    size_t int_digits = digits();
    size_t frac_digits = 0;
    if (peek() == '.') {
      is_float = true;
      text += '.';
      ++i_;
      frac_digits = digits();
    }
    if (int_digits == 0 && frac_digits == 0) {
      i_ = start;
      fail("bad number");
    }
    if (peek() == 'e' || peek() == 'E') {
      is_float = true;
      text += 'e';
      ++i_;
      if (peek() == '+' || peek() == '-') text += s_[i_++];
      if (digits() == 0) {
        i_ = start;
        fail("bad exponent");
      }
    }
    if (!is_float) {
      uint64_t v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && p == text.data() + text.size()) return integer(v, negative);
      // Beyond 64 bits: a double, as JSON readers do.
    }
    if (text.front() == '.') text.insert(text.begin(), '0');
    double d = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (p != text.data() + text.size() || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
      i_ = start;
      fail("bad number");
    }
    if (ec == std::errc::result_out_of_range) d = std::numeric_limits<double>::infinity();
    return negative ? -d : d;
  }

  Json integer(uint64_t v, bool negative) {
    if (!negative) {
      if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return static_cast<int64_t>(v);
      return v;
    }
    if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return -static_cast<int64_t>(v);
    if (v == static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return std::numeric_limits<int64_t>::min();
    return -static_cast<double>(v);
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::optional<Json> parse_python_literal(std::string_view text, std::string* error) {
  try {
    return Parser(text).document();
  } catch (const Fail& f) {
    if (error) *error = "offset " + std::to_string(f.offset) + ": " + f.what;
  } catch (const std::exception& e) {  // bad_alloc or a nlohmann surprise: still never escapes
    if (error) *error = e.what();
  }
  return std::nullopt;
}

std::optional<Json> parse_json_or_python(std::string_view text, std::string* error) {
  Json j = mapping::parse_embedded_json(text);  // nesting-guarded, linear in members
  if (!j.is_discarded()) return j;
  return parse_python_literal(text, error);
}

}  // namespace aicore::claude

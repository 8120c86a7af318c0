// Not the same job as plugins/openai/fast_json.cpp, hence two scanners: this one accepts every
// JSON text nlohmann accepts (whitespace, any escape) and picks out two top-level fields of a
// client's body; fast_json accepts only canonical text (what nlohmann's dump writes, byte for
// byte) so the plugin can copy spans of an upstream answer instead of re-serialising a DOM. The
// grammars differ at every token (whitespace, escapes, numbers, duplicate keys), so one scanner
// serving both would need a mode on each of them; they share only the shape of a recursive descent.
#include "server/BodyScan.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace aicore::host {
namespace {

constexpr int kMaxDepth = 512;

// Eight string bytes at a time: true when none is a quote, a backslash, a control character or
// non-ASCII (the has-zero-byte tricks; never a false "plain"). Most of a chat body is plain text.
inline bool plain8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  auto zero = [&](uint64_t x) { return (x - ones) & ~x & highs; };
  return (zero(v ^ (ones * '"')) | zero(v ^ (ones * '\\')) | ((v - ones * 0x20) & ~v & highs) | (v & highs)) == 0;
}

// A strict RFC 8259 validator that only accepts what nlohmann's parser accepts (well-formed
// UTF-8, no lone surrogates, numbers within a double); "false" means "let nlohmann decide".
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool top(RoutingFields& out) {
    ws();
    if (p_ >= s_.size() || s_[p_] != '{') return false;
    ++p_;
    ws();
    if (p_ < s_.size() && s_[p_] == '}') {
      ++p_;
    } else {
      for (;;) {
        if (p_ >= s_.size() || s_[p_] != '"') return false;
        const size_t k = p_ + 1;
        bool escaped = false;
        if (!string(escaped)) return false;
        if (escaped) return false;  // a key like "mod\u0065l": let nlohmann decode it
        const std::string_view key = s_.substr(k, p_ - 1 - k);
        ws();
        if (p_ >= s_.size() || s_[p_] != ':') return false;
        ++p_;
        ws();
        const size_t v = p_;
        if (p_ >= s_.size()) return false;
        const char c = s_[p_];
        bool value_escaped = false;
        if (c == '"') {
          if (!string(value_escaped)) return false;
        } else if (!value(1)) {
          return false;
        }
        if (key == "model") {
          out.model = kind(c);
          if (out.model == RoutingFields::Kind::String) {
            if (value_escaped) return false;
            out.model_text = s_.substr(v + 1, p_ - v - 2);
          }
        } else if (key == "stream") {
          out.stream = kind(c);
          out.stream_value = c == 't';
        }
        ws();
        if (p_ >= s_.size()) return false;
        if (s_[p_] == ',') {
          ++p_;
          ws();
          continue;
        }
        if (s_[p_] != '}') return false;
        ++p_;
        break;
      }
    }
    ws();
    return p_ == s_.size();
  }

 private:
  static RoutingFields::Kind kind(char c) {
    switch (c) {
      case '"': return RoutingFields::Kind::String;
      case 'n': return RoutingFields::Kind::Null;
      case 't':
      case 'f': return RoutingFields::Kind::Bool;
      default: return RoutingFields::Kind::Other;
    }
  }

  void ws() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\r' || s_[p_] == '\t')) ++p_;
  }

  bool value(int depth) {
    if (p_ >= s_.size()) return false;
    bool escaped = false;
    switch (s_[p_]) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': return string(escaped);
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
    if (depth > kMaxDepth) return false;
    ++p_;
    ws();
    if (p_ < s_.size() && s_[p_] == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      bool escaped = false;
      if (p_ >= s_.size() || s_[p_] != '"' || !string(escaped)) return false;
      ws();
      if (p_ >= s_.size() || s_[p_] != ':') return false;
      ++p_;
      ws();
      if (!value(depth)) return false;
      ws();
      if (p_ >= s_.size()) return false;
      if (s_[p_] == ',') {
        ++p_;
        ws();
        continue;
      }
      if (s_[p_] != '}') return false;
      ++p_;
      return true;
    }
  }

  bool array(int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;
    ws();
    if (p_ < s_.size() && s_[p_] == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      if (!value(depth)) return false;
      ws();
      if (p_ >= s_.size()) return false;
      if (s_[p_] == ',') {
        ++p_;
        ws();
        continue;
      }
      if (s_[p_] != ']') return false;
      ++p_;
      return true;
    }
  }

  static bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

  bool string(bool& escaped) {
    ++p_;  // '"'
    const size_t n = s_.size();
    while (p_ < n) {
      while (p_ + 8 <= n && plain8(s_.data() + p_)) p_ += 8;
      if (p_ >= n) return false;
      const auto c = static_cast<unsigned char>(s_[p_]);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        escaped = true;
        if (p_ + 1 >= n) return false;
        switch (s_[p_ + 1]) {
          case '"':
          case '\\':
          case '/':
          case 'b':
          case 'f':
          case 'n':
          case 'r':
          case 't': p_ += 2; continue;
          case 'u':
            if (p_ + 5 >= n) return false;
            for (size_t i = 2; i < 6; ++i)
              if (!is_hex(s_[p_ + i])) return false;
            // Surrogates must pair up; leave every one of them to nlohmann.
            if ((s_[p_ + 2] == 'd' || s_[p_ + 2] == 'D') &&
                std::string_view("89abAB").find(s_[p_ + 3]) != std::string_view::npos)
              return false;
            if ((s_[p_ + 2] == 'd' || s_[p_ + 2] == 'D') &&
                std::string_view("cdefCDEF").find(s_[p_ + 3]) != std::string_view::npos)
              return false;
            p_ += 6;
            continue;
          default: return false;
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

  bool utf8() {
    const size_t n = s_.size();
    auto b = [&](size_t i) { return p_ + i < n ? static_cast<unsigned char>(s_[p_ + i]) : 0; };
    auto in = [](unsigned char x, unsigned lo, unsigned hi) { return x >= lo && x <= hi; };
    const unsigned char c = b(0);
    size_t len = 0;
    if (in(c, 0xC2, 0xDF))
      len = in(b(1), 0x80, 0xBF) ? 2 : 0;
    else if (c == 0xE0)
      len = in(b(1), 0xA0, 0xBF) && in(b(2), 0x80, 0xBF) ? 3 : 0;
    else if (in(c, 0xE1, 0xEC) || c == 0xEE || c == 0xEF)
      len = in(b(1), 0x80, 0xBF) && in(b(2), 0x80, 0xBF) ? 3 : 0;
    else if (c == 0xED)
      len = in(b(1), 0x80, 0x9F) && in(b(2), 0x80, 0xBF) ? 3 : 0;
    else if (c == 0xF0)
      len = in(b(1), 0x90, 0xBF) && in(b(2), 0x80, 0xBF) && in(b(3), 0x80, 0xBF) ? 4 : 0;
    else if (in(c, 0xF1, 0xF3))
      len = in(b(1), 0x80, 0xBF) && in(b(2), 0x80, 0xBF) && in(b(3), 0x80, 0xBF) ? 4 : 0;
    else if (c == 0xF4)
      len = in(b(1), 0x80, 0x8F) && in(b(2), 0x80, 0xBF) && in(b(3), 0x80, 0xBF) ? 4 : 0;
    p_ += len;
    return len > 0;
  }

  bool digit() const { return p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9'; }

  bool number() {
    const size_t start = p_;
    if (s_[p_] == '-') ++p_;
    if (!digit()) return false;
    if (s_[p_] == '0')
      ++p_;
    else
      while (digit()) ++p_;
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
    // Integers that fit 64 bits are always fine; anything else must fit a double (1e999 is a 400).
    if (!is_float && p_ - start <= 18) return true;
    double d = 0;
    auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + p_, d);
    return ec == std::errc() && end == s_.data() + p_ && std::isfinite(d);
  }

  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

bool scan_routing_fields(std::string_view body, RoutingFields& out) {
  out = RoutingFields{};
  return Scanner(body).top(out);
}

}  // namespace aicore::host

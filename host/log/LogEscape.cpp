#include "log/LogEscape.hpp"

#include <cstdint>
#include <cstring>

namespace aicore::host {
namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Whether one of the eight bytes at `p` is_control(): "has a byte less than 0x20" and "has a byte
// equal to 0x7f" with the has-zero-byte tricks, which are exact for "any" (not for "which").
bool has_control8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const uint64_t del = v ^ (ones * 0x7f);
  return (((v - ones * 0x20) & ~v) | ((del - ones) & ~del)) & highs;
}

// "%*": the message with control characters escaped (spdlog's "%v" writes it raw).
class EscapedPayload final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string_view text(msg.payload.data(), msg.payload.size());
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      // Eight bytes at a time while none is a control character (every log line goes through here).
      while (i + 8 <= text.size() && !has_control8(text.data() + i)) i += 8;
      if (i >= text.size()) break;
      if (!is_control(static_cast<unsigned char>(text[i]))) continue;
      dest.append(text.data() + start, text.data() + i);
      std::string esc;
      append_escaped(text.substr(i, 1), esc);
      dest.append(esc.data(), esc.data() + esc.size());
      start = i + 1;
    }
    dest.append(text.data() + start, text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<EscapedPayload>(); }
};

}  // namespace

void append_escaped(std::string_view text, std::string& out) {
  static const char* hex = "0123456789abcdef";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (!is_control(c)) {
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(text, out);
  return out;
}

std::unique_ptr<spdlog::formatter> make_log_formatter() {
  auto f = std::make_unique<spdlog::pattern_formatter>();
  f->add_flag<EscapedPayload>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %*");
  return f;
}

}  // namespace aicore::host

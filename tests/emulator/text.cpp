#include "text.hpp"

#include <algorithm>
#include <cctype>

namespace aicore::emulator {

std::string toLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

static int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string urlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
      i += 2;
    } else {
      out += c;  // a stray '%' is kept literally, as lenient servers do
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parseUrlEncoded(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!s.empty()) {
    size_t amp = s.find('&');
    std::string_view part = s.substr(0, amp);
    if (!part.empty()) {
      size_t eq = part.find('=');
      if (eq == std::string_view::npos)
        out.emplace_back(urlDecode(part), std::string());
      else
        out.emplace_back(urlDecode(part.substr(0, eq)), urlDecode(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    s.remove_prefix(amp + 1);
  }
  return out;
}

static bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

std::vector<std::string_view> splitWords(std::string_view text) {
  std::vector<std::string_view> words;
  size_t start = 0, i = 0;
  while (i < text.size()) {
    while (i < text.size() && isSpace(text[i])) ++i;
    while (i < text.size() && !isSpace(text[i])) ++i;
    words.push_back(text.substr(start, i - start));
    start = i;
  }
  // Whitespace-only tail: glue it to the previous piece rather than inventing an empty word.
  if (words.size() > 1 && words.back().find_first_not_of(" \n\t\r") == std::string_view::npos) {
    std::string_view tail = words.back();
    words.pop_back();
    words.back() = std::string_view(words.back().data(), words.back().size() + tail.size());
  }
  return words;
}

std::vector<std::string_view> splitBytes(std::string_view s, size_t n) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t end = std::min(s.size(), i + n);
    while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
    out.push_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace aicore::emulator

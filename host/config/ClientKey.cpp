#include "config/ClientKey.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <cctype>

namespace aicore::host {

std::string sha256_hex(std::string_view text) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(text.data(), static_cast<unsigned>(text.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

bool valid_key_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '@' || c == '+';
  });
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Greedy matching with one back-tracking point: the last `*` seen.
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool ClientKey::allows(std::string_view model) const {
  return models.empty() ||
         std::any_of(models.begin(), models.end(), [&](const std::string& m) { return glob_match(m, model); });
}

std::string fingerprint_name(std::string_view sha256_hex) { return "key-" + std::string(sha256_hex.substr(0, 8)); }

}  // namespace aicore::host

#include "cli/KeysCommand.hpp"

#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include <array>
#include <ostream>
#include <stdexcept>

#include "cli/NamedArgs.hpp"
#include "config/ClientKey.hpp"

namespace aicore::host {
namespace {

constexpr int kUsageError = 2;

std::string base64url(const unsigned char* p, size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | p[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 63];
  return out;
}

}  // namespace

std::string new_client_key() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("the system's random generator failed");
  return "aic-" + base64url(bytes.data(), bytes.size());
}

int keys_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const char* usage = "usage: aicore-proxy keys new --name NAME [--models MODEL,PATTERN*,...]\n";
  if (args.empty() || args[0] != "new") {
    err << usage;
    return kUsageError;
  }
  std::string name;
  std::vector<std::string> models;
  try {
    const auto named = named_args(args, 1, {"--name", "--models"});
    if (named.count("--name")) name = named.at("--name");
    if (named.count("--models")) models = split_list(named.at("--models"));
  } catch (const NamedArgsError& e) {
    err << "aicore-proxy keys: " << e.what() << "\n" << usage;
    return kUsageError;
  }
  if (!valid_key_name(name)) {
    err << "aicore-proxy keys: --name must be 1 to 64 letters, digits or - _ . @ +\n" << usage;
    return kUsageError;
  }
  const std::string key = new_client_key();
  nlohmann::ordered_json entry = {{"name", name}, {"key", "sha256:" + sha256_hex(key)}};
  if (!models.empty()) entry["models"] = models;
  out << "New client key for " << name << " (shown only now; the config keeps just its SHA-256):\n\n  " << key
      << "\n\nAdd this entry to \"client_keys\" in the config, then reload (SIGHUP):\n\n  " << entry.dump() << "\n";
  return 0;
}

}  // namespace aicore::host

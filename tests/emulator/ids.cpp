#include "ids.hpp"

#include <Poco/SHA1Engine.h>

#include <random>

namespace aicore::emulator {

// One generator per thread: no lock on the hot path.
static std::mt19937_64& rng() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

std::string randomAlnum(size_t n) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(n, '\0');
  for (char& c : out) c = kChars[rng()() % 62];
  return out;
}

std::string randomHex(size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n, '\0');
  for (char& c : out) c = kHex[rng()() & 15];
  return out;
}

std::string randomBytes(size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng()() & 0xFF);
  return out;
}

std::string sha1Hex(std::string_view data) {
  Poco::SHA1Engine engine;
  engine.update(data.data(), static_cast<unsigned>(data.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

uint64_t fnv1a64(std::string_view data) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace aicore::emulator

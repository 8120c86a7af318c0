#pragma once
// Identifiers: random ones where the real service is random (completion ids, tokens), and
// hash-derived ones where tests need to predict them (tool-call ids, embeddings).
#include <cstdint>
#include <string>
#include <string_view>

namespace aicore::emulator {

std::string randomAlnum(size_t n);  // [A-Za-z0-9], like chatcmpl-ANKsHIdjvozwuOGpGI6rygvwSJH0I
std::string randomHex(size_t n);
std::string randomBytes(size_t n);
std::string sha1Hex(std::string_view data);  // 40 lowercase hex chars
uint64_t fnv1a64(std::string_view data);

}  // namespace aicore::emulator

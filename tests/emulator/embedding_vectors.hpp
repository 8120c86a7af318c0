#pragma once
// Deterministic embeddings: the same input always maps to the same unit-length vector, different
// inputs to unrelated ones. Shared by every family that offers embeddings.
#include "json.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace aicore::emulator {

// A vector of `dims` floats seeded by a hash of `input`, normalised to length 1. A shorter
// request is the prefix of the longer one renormalised, as OpenAI's `dimensions` behaves.
std::vector<float> embeddingFor(std::string_view input, int dims);

// JSON numbers printed in float32's shortest form (e.g. -0.011352593), like the real service.
Json floatsToJson(const std::vector<float>& v);
// Little-endian float32 bytes, base64: what encoding_format "base64" returns.
std::string floatsToBase64(const std::vector<float>& v);

}  // namespace aicore::emulator

#include "json_util.hpp"

namespace aicore::gemini {

std::string at(std::string_view field, size_t i) { return std::string(field) + "[" + std::to_string(i) + "]"; }

}  // namespace aicore::gemini

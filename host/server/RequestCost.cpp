#include "server/RequestCost.hpp"

#include <cstring>

namespace aicore::host {

int64_t conversion_cost(std::string_view body) {
  int64_t objects = 0, arrays = 0;
  auto total = [&] {
    return static_cast<int64_t>(body.size()) * ConversionCostModel::kPerByte +
           objects * ConversionCostModel::kPerObjectOrMember + arrays * ConversionCostModel::kPerArrayOrElement;
  };
  const char* p = body.data();
  const char* const end = p + body.size();
  while (p < end) {
    const char c = *p++;
    switch (c) {
      case '{':
      case ':': ++objects; break;
      case '[':
      case ',': ++arrays; break;
      case '"': {
        // Skip the string: to the next quote not escaped (memchr keeps long strings cheap).
        for (;;) {
          const void* q = std::memchr(p, '"', static_cast<size_t>(end - p));
          if (!q) return total();  // unterminated: the plugin refuses it
          const char* quote = static_cast<const char*>(q);
          size_t backslashes = 0;
          for (const char* b = quote; b > p && b[-1] == '\\'; --b) ++backslashes;
          p = quote + 1;
          if (backslashes % 2 == 0) break;
        }
        break;
      }
      default: break;
    }
  }
  return total();
}

}  // namespace aicore::host

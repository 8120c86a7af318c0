// The dashboard page's files, compiled into the binary (cmake/EmbedAssets.cmake generates the
// table from host/dashboard/assets).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace aicore::host::dashboard {

struct Asset {
  const char* name;  // the file name in host/dashboard/assets
  const unsigned char* data;
  size_t size;
};

extern const Asset kAssets[];
extern const size_t kAssetCount;

// The file named `name`, or nullopt.
inline std::optional<std::string_view> asset(std::string_view name) {
  for (size_t i = 0; i < kAssetCount; ++i)
    if (name == kAssets[i].name)
      return std::string_view(reinterpret_cast<const char*>(kAssets[i].data), kAssets[i].size);
  return std::nullopt;
}

}  // namespace aicore::host::dashboard

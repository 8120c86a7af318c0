// Token usage of one response in C++, shared by the plugins' SDK layer and the host, and its
// crossing of the ABI (acp_usage).
#pragma once

#include <aicore/abi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace aicore {

// acp_usage's convention: input includes cache reads and writes, output includes reasoning;
// -1 = unknown.
struct Usage {
  int64_t input_tokens = -1, output_tokens = -1, cache_read_tokens = -1, cache_write_tokens = -1, reasoning_tokens = -1;

  // The counts `newer` knows replace these; its unknown ones leave these as they are.
  void merge(const Usage& newer) {
    auto take = [](int64_t& mine, int64_t theirs) {
      if (theirs >= 0) mine = theirs;
    };
    take(input_tokens, newer.input_tokens);
    take(output_tokens, newer.output_tokens);
    take(cache_read_tokens, newer.cache_read_tokens);
    take(cache_write_tokens, newer.cache_write_tokens);
    take(reasoning_tokens, newer.reasoning_tokens);
  }

  acp_usage to_c() const {
    return acp_usage{sizeof(acp_usage), input_tokens,       output_tokens,
                     cache_read_tokens, cache_write_tokens, reasoning_tokens};
  }
  // Reads min(struct_size, what this side knows): counts an older sender lacks stay unknown.
  static Usage from_c(const acp_usage& u) {
    acp_usage in{sizeof(acp_usage), -1, -1, -1, -1, -1};
    std::memcpy(&in, &u, std::min<size_t>(u.struct_size, sizeof in));
    return Usage{in.input_tokens, in.output_tokens, in.cache_read_tokens, in.cache_write_tokens, in.reasoning_tokens};
  }
};

}  // namespace aicore

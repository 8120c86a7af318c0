#pragma once
// Azure OpenAI chat completion bodies, non-streamed and streamed, byte-compatible with the
// recorded payloads in SAP's JS SDK (reference §3.2): alphabetical keys, content_filter_results,
// prompt_filter_results, and the stream quirks (empty first event, "usage":null on every chunk,
// usage only in a final choices:[] chunk when include_usage is set).
#include "reply.hpp"

#include <cstdint>
#include <string>

namespace aicore::emulator {

class SseWriter;

struct CompletionMeta {
  std::string id;           // chatcmpl-…
  long long created = 0;    // unix seconds
  std::string model;        // dated model name
  std::string fingerprint;  // fp_…
  int64_t promptTokens = 0;
  int64_t completionTokens = 0;  // including reasoning tokens, as OpenAI counts
  int64_t reasoningTokens = 0;
};

std::string completionJson(const CompletionMeta& meta, const Reply& reply, int n);
void streamCompletion(SseWriter& out, const CompletionMeta& meta, const Reply& reply, int n, bool includeUsage);

}  // namespace aicore::emulator

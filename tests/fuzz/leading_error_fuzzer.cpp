// The host's look at the first event a plugin emits in a stream (host/plugin/LegacyEvents.cpp, for
// plugins built for ABI 1.0):
// SSE framing read with the SDK's parser, then the event's JSON with nlohmann. Runs on the first
// event of every stream, on bytes a plugin derived from the upstream's.
//
// Properties: no crash and no exception for either family; a verdict is a retryable status (429,
// 502 or 503) with a message.
#include "fuzz_support.hpp"

#include "plugin/LegacyEvents.hpp"

int fuzz_one_input(std::string_view in) {
  for (auto family : {aicore::host::Family::OpenAI, aicore::host::Family::Anthropic}) {
    try {
      auto e = aicore::host::leading_retryable_error(family, in);
      if (e) {
        FUZZ_CHECK(e->status == 429 || e->status == 502 || e->status == 503, std::string(in));
        FUZZ_CHECK(!e->message.empty(), std::string(in));
      }
    } catch (const std::exception& e) {
      fuzz::fail(std::string("leading_retryable_error threw: ") + e.what(), in);
    }
  }
  return 0;
}

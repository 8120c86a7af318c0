// The openai plugin's stream converters (Azure chat SSE -> OpenAI chunks, and -> Anthropic events)
// through the C ABI, fed the same upstream bytes whole, byte by byte and in pseudo-random pieces.
// Properties: see fuzz::check_stream (split-independent output, well-formed events, nothing after
// the end, no silent truncation, bad upstream bytes never ACP_ERR_INTERNAL).
#include "fuzz_support.hpp"

#include "openai/provider.hpp"

int fuzz_one_input(std::string_view in) {
  static fuzz::Adapter<aicore::openai::OpenAIProvider> adapter("{}");
  fuzz::check_stream(adapter, ACP_DIALECT_OPENAI_CHAT, "gpt-4o", "openai.v1;usage=1", in);
  fuzz::check_stream(adapter, ACP_DIALECT_OPENAI_CHAT, "gpt-4o", "", in);
  fuzz::check_stream(adapter, ACP_DIALECT_ANTHROPIC_MESSAGES, "gpt-4o", "", in);
  return 0;
}

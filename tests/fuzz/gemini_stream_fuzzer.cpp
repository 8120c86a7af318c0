// The gemini plugin's stream converters (Vertex streamGenerateContent, as SSE or as one JSON array
// arriving in pieces) for OpenAI chat and Anthropic Messages clients, through the C ABI, fed the
// same upstream bytes whole, byte by byte and in pseudo-random pieces.
// Properties: see fuzz::check_stream (split-independent output, well-formed events, nothing after
// the end, no silent truncation, bad upstream bytes never ACP_ERR_INTERNAL).
#include "fuzz_support.hpp"

#include "gemini/provider.hpp"

int fuzz_one_input(std::string_view in) {
  static fuzz::Adapter<aicore::gemini::GeminiProvider> adapter("{}");
  constexpr std::string_view model = "gemini-2.5-pro";
  for (std::string_view context : {R"({"v":"gemini.v1","m":"gemini-2.5-pro","u":true,"s":"0123abcd","h":12})", ""}) {
    fuzz::check_stream(adapter, ACP_DIALECT_OPENAI_CHAT, model, context, in);
    fuzz::check_stream(adapter, ACP_DIALECT_ANTHROPIC_MESSAGES, model, context, in);
  }
  return 0;
}

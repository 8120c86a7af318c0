// The claude plugin's stream converters (Bedrock /invoke-with-response-stream events and
// /converse-stream events, JSON or Python-literal) for Anthropic Messages and OpenAI chat clients,
// through the C ABI, fed the same upstream bytes whole, byte by byte and in pseudo-random pieces.
// Properties: see fuzz::check_stream (split-independent output, well-formed events, nothing after
// the end, no silent truncation, bad upstream bytes never ACP_ERR_INTERNAL).

#include "fuzz_support.hpp"

#include "claude/provider.hpp"

int fuzz_one_input(std::string_view in) {
  static fuzz::Adapter<aicore::claude::ClaudeProvider> adapter("{}");
  constexpr std::string_view model = "anthropic--claude-4.5-sonnet";
  for (std::string_view context : {"claude.v1;api=invoke;usage=1;json=0;model=claude-sonnet-4-5",
                                   "claude.v1;api=converse;usage=0;json=0;model=claude-sonnet-4-5"}) {
    fuzz::check_stream(adapter, ACP_DIALECT_ANTHROPIC_MESSAGES, model, context, in);
    fuzz::check_stream(adapter, ACP_DIALECT_OPENAI_CHAT, model, context, in);
  }
  return 0;
}

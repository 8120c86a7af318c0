// The Claude provider: Anthropic models on SAP AI Core (executable aws-bedrock), for the client
// dialects (mapping::GeminiOverChat dispatches; openai.responses and the Gemini API go through the
// chat hooks):
//   anthropic.messages     -> Bedrock /invoke[-with-response-stream] near pass-through
//                             (bedrock_rules.hpp), or /converse[-stream] when configured;
//   openai.chat            -> the shared mapping to an Anthropic body, then the same Bedrock rules;
//   anthropic.count_tokens -> answered locally with the shared estimate (no upstream call).
// Keeps nothing but the parsed settings, so concurrent calls need no locking.
#pragma once

#include "settings.hpp"

#include <aicore/mapping/gemini_provider.hpp>
#include <aicore/plugin.hpp>

namespace aicore::claude {

class ClaudeProvider final : public mapping::GeminiOverChat {
 public:
  // Throws PluginError(ACP_ERR_CONFIG, "<field>: <problem>") for bad settings.
  explicit ClaudeProvider(std::string_view settings_json);

  bool detect_model(std::string_view model) const override;
  void model_candidates(std::string_view model, const Sink& names) const override;
  // 429, 408, 5xx and Bedrock throttling (ThrottlingException, "Too many tokens") retry; 401 and
  // 403 re-authenticate; anything else is fatal, with the upstream's message for the client.
  acp_error_class classify_error(const ResponseIn& in, const Sink& message) const override;

  const Settings& settings() const { return settings_; }

 protected:
  UpstreamRequest anthropic_messages_request(const RequestIn& in) const override;
  UpstreamRequest openai_chat_request(const RequestIn& in) const override;
  std::string anthropic_count_tokens(const RequestIn& in) const override;
  std::string anthropic_messages_response(const ResponseIn& in, Usage& usage) const override;
  std::string openai_chat_response(const ResponseIn& in, Usage& usage) const override;
  std::unique_ptr<StreamConverter> anthropic_messages_stream(const ResponseIn& in) const override;
  std::unique_ptr<StreamConverter> openai_chat_stream(const ResponseIn& in) const override;

 private:
  // Both chat dialects end in the same Bedrock request; an OpenAI client's body goes through the
  // shared mapping to Anthropic's first.
  UpstreamRequest bedrock_request(const RequestIn& in, bool openai_client) const;

  Settings settings_;
};

}  // namespace aicore::claude

// The Claude provider: Anthropic models on SAP AI Core (executable aws-bedrock), for every client
// dialect:
//   anthropic.messages     -> Bedrock /invoke[-with-response-stream] near pass-through
//                             (bedrock_rules.hpp), or /converse[-stream] when configured;
//   openai.chat            -> the shared mapping to an Anthropic body, then the same Bedrock rules;
//   anthropic.count_tokens -> answered locally with the shared estimate (no upstream call).
// Keeps nothing but the parsed settings, so concurrent calls need no locking.
#pragma once

#include "settings.hpp"

#include <aicore/plugin.hpp>

namespace aicore::claude {

class ClaudeProvider final : public Provider {
 public:
  // Throws PluginError(ACP_ERR_CONFIG, "<field>: <problem>") for bad settings.
  explicit ClaudeProvider(std::string_view settings_json);

  bool detect_model(std::string_view model) const override;
  void model_candidates(std::string_view model, const Sink& names) const override;
  void convert_request(const RequestIn& in, const RequestOut& out) const override;
  void convert_response(const ResponseIn& in, const Sink& out) const override;
  std::unique_ptr<StreamConverter> open_stream(const ResponseIn& in) const override;
  // 429, 408, 5xx and Bedrock throttling (ThrottlingException, "Too many tokens") retry; 401 and
  // 403 re-authenticate; anything else is fatal, with the upstream's message for the client.
  acp_error_class classify_error(const ResponseIn& in, const Sink& message) const override;

  const Settings& settings() const { return settings_; }

 private:
  Settings settings_;
};

// The message of a Bedrock / SAP / Anthropic error body ({"message"}, {"Message"},
// {"error":{"message"}}, {"error":"…"}); empty when none.
std::string upstream_error_message(std::string_view body);

}  // namespace aicore::claude

// The OpenAI-family provider: GPT, o-series and text-embedding deployments on SAP AI Core, which
// are Azure OpenAI behind SAP's inference URL. Serves every dialect (mapping::GeminiOverChat
// dispatches; openai.responses and the Gemini API go through the chat hooks); keeps nothing but
// the parsed settings, so concurrent calls need no locking.
#pragma once

#include "settings.hpp"

#include <aicore/mapping/gemini_provider.hpp>
#include <aicore/plugin.hpp>

namespace aicore::openai {

class OpenAIProvider final : public mapping::GeminiOverChat {
 public:
  // Throws PluginError(ACP_ERR_CONFIG, "<field>: <problem>") for bad settings.
  explicit OpenAIProvider(std::string_view settings_json);

  bool detect_model(std::string_view model) const override;
  void model_candidates(std::string_view model, const Sink& names) const override;
  // 429/5xx retry; 401 and 403 re-authenticate (SAP answers 403 to some token problems); anything
  // else is fatal, and then the upstream's error message is written to `message` for the client.
  acp_error_class classify_error(const ResponseIn& in, const Sink& message) const override;

  const Settings& settings() const { return settings_; }

 protected:
  UpstreamRequest openai_chat_request(const RequestIn& in) const override;
  UpstreamRequest openai_embeddings_request(const RequestIn& in) const override;
  UpstreamRequest anthropic_messages_request(const RequestIn& in) const override;
  std::string anthropic_count_tokens(const RequestIn& in) const override;
  std::string openai_chat_response(const ResponseIn& in, Usage& usage) const override;
  std::string openai_embeddings_response(const ResponseIn& in, Usage& usage) const override;
  std::string anthropic_messages_response(const ResponseIn& in, Usage& usage) const override;
  std::unique_ptr<StreamConverter> openai_chat_stream(const ResponseIn& in) const override;
  std::unique_ptr<StreamConverter> anthropic_messages_stream(const ResponseIn& in) const override;

 private:
  Settings settings_;
};

}  // namespace aicore::openai

// The Gemini provider: Gemini chat and embedding deployments on SAP AI Core (Vertex AI behind
// SAP's inference URL). Serves every dialect (mapping::ResponsesOverChat dispatches; openai.responses
// goes through the chat hooks); keeps nothing but the parsed settings, so concurrent calls need no
// locking.
#pragma once

#include "settings.hpp"

#include <aicore/mapping/gemini_provider.hpp>
#include <aicore/plugin.hpp>

namespace aicore::gemini {

class GeminiProvider final : public mapping::GeminiOverChat {
 public:
  // Throws PluginError(ACP_ERR_CONFIG, "<field>: <problem>") for bad settings.
  explicit GeminiProvider(std::string_view settings_json);

  bool detect_model(std::string_view model) const override;
  void model_candidates(std::string_view model, const Sink& names) const override;
  // 429/5xx retry; 401 and 403 re-authenticate; anything else is fatal, with Google's error
  // message ("Invalid JSON payload received. Unknown name ...") written to `message`.
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
  // gemini.generate_content: Vertex speaks it natively, so a near pass-through (gemini_api_*.hpp)
  // rather than the generic translation over the chat hooks; gemini.count_tokens stays generic.
  UpstreamRequest gemini_generate_request(const RequestIn& in) const override;
  std::string gemini_generate_response(const ResponseIn& in, Usage& usage) const override;
  std::unique_ptr<StreamConverter> gemini_generate_stream(const ResponseIn& in) const override;
  // gemini.embed_content / batch_embed_contents: straight to :predict (embeddings.hpp), keeping
  // task types and titles the translation over openai.embeddings would drop.
  UpstreamRequest gemini_embed_request(const RequestIn& in) const override;
  std::string gemini_embed_response(const ResponseIn& in, Usage& usage) const override;

 private:
  Settings settings_;
};

}  // namespace aicore::gemini

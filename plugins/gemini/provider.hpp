// The Gemini provider: Gemini chat and embedding deployments on SAP AI Core (Vertex AI behind
// SAP's inference URL). Dispatches each dialect to its converter; keeps nothing but the parsed
// settings, so concurrent calls need no locking.
#pragma once

#include "settings.hpp"

#include <aicore/plugin.hpp>

namespace aicore::gemini {

class GeminiProvider final : public Provider {
 public:
  // Throws PluginError(ACP_ERR_CONFIG, "<field>: <problem>") for bad settings.
  explicit GeminiProvider(std::string_view settings_json);

  bool detect_model(std::string_view model) const override;
  void model_candidates(std::string_view model, const Sink& names) const override;
  void convert_request(const RequestIn& in, const RequestOut& out) const override;
  void convert_response(const ResponseIn& in, const Sink& out) const override;
  std::unique_ptr<StreamConverter> open_stream(const ResponseIn& in) const override;
  // 429/5xx retry; 401 and 403 re-authenticate; anything else is fatal, with Google's error
  // message ("Invalid JSON payload received. Unknown name ...") written to `message`.
  acp_error_class classify_error(const ResponseIn& in, const Sink& message) const override;

  const Settings& settings() const { return settings_; }

 private:
  Settings settings_;
};

}  // namespace aicore::gemini

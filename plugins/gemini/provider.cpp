#include "provider.hpp"

#include "anthropic.hpp"
#include "chat_request.hpp"
#include "chat_response.hpp"
#include "chat_stream.hpp"
#include "context.hpp"
#include "embeddings.hpp"
#include "gemini_api_request.hpp"
#include "gemini_api_response.hpp"
#include "gemini_api_stream.hpp"
#include "models.hpp"

#include <aicore/mapping/upstream.hpp>

namespace aicore::gemini {

GeminiProvider::GeminiProvider(std::string_view settings_json)
    : GeminiOverChat("gemini"), settings_(Settings::parse(settings_json)) {}

bool GeminiProvider::detect_model(std::string_view model) const { return is_gemini_model(model); }

void GeminiProvider::model_candidates(std::string_view model, const Sink& names) const {
  for (const std::string& name : gemini::model_candidates(model)) names.write(name);
}

UpstreamRequest GeminiProvider::openai_chat_request(const RequestIn& in) const {
  const ModelNames names = ModelNames::of(in);
  return convert_chat_request(in.body, names.key, in.client_model, in.stream, settings_);
}

UpstreamRequest GeminiProvider::openai_embeddings_request(const RequestIn& in) const {
  return convert_embeddings_request(in.body, ModelNames::of(in).key, in.client_model, settings_);
}

UpstreamRequest GeminiProvider::anthropic_messages_request(const RequestIn& in) const {
  return convert_anthropic_request(in.body, ModelNames::of(in), in.stream, settings_);
}

std::string GeminiProvider::anthropic_count_tokens(const RequestIn& in) const { return count_tokens_response(in.body); }

std::string GeminiProvider::openai_chat_response(const ResponseIn& in, Usage& usage) const {
  return convert_chat_response(in.body, ResponseContext::decode(in.context), &usage);
}

std::string GeminiProvider::openai_embeddings_response(const ResponseIn& in, Usage& usage) const {
  return convert_embeddings_response(in.body, ResponseContext::decode(in.context), &usage);
}

UpstreamRequest GeminiProvider::gemini_embed_request(const RequestIn& in) const {
  return convert_gemini_embed_request(in.body, ModelNames::of(in).key, in.client_model,
                                      in.dialect == ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS, settings_);
}

std::string GeminiProvider::gemini_embed_response(const ResponseIn& in, Usage& usage) const {
  return convert_gemini_embed_response(in.body, ResponseContext::decode(in.context), &usage);
}

std::string GeminiProvider::anthropic_messages_response(const ResponseIn& in, Usage& usage) const {
  return convert_anthropic_response(in.body, ResponseContext::decode(in.context), &usage);
}

std::unique_ptr<StreamConverter> GeminiProvider::openai_chat_stream(const ResponseIn& in) const {
  return std::make_unique<OpenAIChatStream>(ResponseContext::decode(in.context), unix_time());
}

std::unique_ptr<StreamConverter> GeminiProvider::anthropic_messages_stream(const ResponseIn& in) const {
  return std::make_unique<AnthropicMessagesStream>(ResponseContext::decode(in.context), unix_time());
}

UpstreamRequest GeminiProvider::gemini_generate_request(const RequestIn& in) const {
  return convert_gemini_api_request(in.body, ModelNames::of(in), in.stream, settings_);
}

std::string GeminiProvider::gemini_generate_response(const ResponseIn& in, Usage& usage) const {
  return convert_gemini_api_response(in.body, ResponseContext::decode(in.context), &usage);
}

std::unique_ptr<StreamConverter> GeminiProvider::gemini_generate_stream(const ResponseIn& in) const {
  return std::make_unique<GeminiApiStream>(ResponseContext::decode(in.context));
}

// Google's {"error":{code,message,status}} (also in a one-element array, as a non-SSE stream
// reports errors) gives the client's message.
// A prompt over the context window: 400 INVALID_ARGUMENT "The input token count (N) exceeds the
// maximum number of tokens allowed (M)."
acp_error_class GeminiProvider::classify_error(const ResponseIn& in, const Sink& message) const {
  return mapping::classify_error_answer(in, message, {"exceeds the maximum number of tokens allowed"});
}

}  // namespace aicore::gemini

#include "provider.hpp"

#include "anthropic_messages.hpp"
#include "chat_request.hpp"
#include "chat_response.hpp"
#include "chat_stream.hpp"
#include "embeddings.hpp"
#include "models.hpp"

#include <aicore/mapping/count_tokens.hpp>
#include <aicore/mapping/upstream.hpp>

namespace aicore::openai {

OpenAIProvider::OpenAIProvider(std::string_view settings_json)
    : GeminiOverChat("openai"), settings_(Settings::parse(settings_json)) {}

bool OpenAIProvider::detect_model(std::string_view model) const { return is_openai_model(model); }

void OpenAIProvider::model_candidates(std::string_view model, const Sink& names) const {
  for (const std::string& name : openai::model_candidates(model)) names.write(name);
}

UpstreamRequest OpenAIProvider::openai_chat_request(const RequestIn& in) const {
  return convert_chat_request(in.body, ModelNames::of(in).key, in.stream, settings_);
}

UpstreamRequest OpenAIProvider::openai_embeddings_request(const RequestIn& in) const {
  return convert_embeddings_request(in.body, ModelNames::of(in).key, settings_);
}

UpstreamRequest OpenAIProvider::anthropic_messages_request(const RequestIn& in) const {
  return convert_anthropic_request(in.body, ModelNames::of(in), in.stream, settings_);
}

std::string OpenAIProvider::anthropic_count_tokens(const RequestIn& in) const {
  return mapping::count_tokens_response(in.body);
}

std::string OpenAIProvider::openai_chat_response(const ResponseIn& in, Usage& usage) const {
  return convert_chat_response(in.body, &usage);
}

std::string OpenAIProvider::openai_embeddings_response(const ResponseIn& in, Usage& usage) const {
  return convert_embeddings_response(in.body, &usage);
}

std::string OpenAIProvider::anthropic_messages_response(const ResponseIn& in, Usage& usage) const {
  return convert_anthropic_response(in.body, in.context, &usage);
}

std::unique_ptr<StreamConverter> OpenAIProvider::openai_chat_stream(const ResponseIn& in) const {
  return std::make_unique<ChatStreamConverter>(ResponseContext::decode(in.context));
}

std::unique_ptr<StreamConverter> OpenAIProvider::anthropic_messages_stream(const ResponseIn& in) const {
  return std::make_unique<AnthropicStreamConverter>(AnthropicContext::decode(in.context));
}

// Azure's own message ("Unsupported parameter: ...", content-filter refusals) reaches the client.
// A prompt over the context window: code context_length_exceeded ("This model's maximum context
// length is N tokens..."; the newer models say "Your input exceeds the context window").
acp_error_class OpenAIProvider::classify_error(const ResponseIn& in, const Sink& message) const {
  return mapping::classify_error_answer(
      in, message, {"context_length_exceeded", "maximum context length", "exceeds the context window"});
}

}  // namespace aicore::openai

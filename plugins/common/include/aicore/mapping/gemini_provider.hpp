// A DialectProvider that also serves the Gemini API (gemini.generate_content, gemini.count_tokens;
// the embedding methods through its openai.embeddings hooks) through its own openai.chat hooks, as ResponsesOverChat
// serves the Responses API: the request becomes a chat request (aicore/mapping/gemini_api.hpp) handed to
// openai_chat_request, and the chat answer the plugin makes of the upstream's — whole or streamed — becomes a
// GenerateContentResponse. A plugin that serves openai.chat derives from this and serves both
// dialects on every model it serves chat on; a Gemini-family plugin may override the hooks to
// pass the request through instead.
#pragma once

#include <aicore/mapping/responses_provider.hpp>

#include <memory>
#include <string>

namespace aicore::mapping {

class GeminiOverChat : public ResponsesOverChat {
 public:
  using ResponsesOverChat::ResponsesOverChat;

 protected:
  UpstreamRequest gemini_generate_request(const RequestIn& in) const override;
  // {"totalTokens":N}: the count_tokens estimate (aicore/mapping/count_tokens.hpp) of the request as
  // chat would send it.
  std::string gemini_count_tokens(const RequestIn& in) const override;
  std::string gemini_generate_response(const ResponseIn& in, Usage& usage) const override;
  std::unique_ptr<StreamConverter> gemini_generate_stream(const ResponseIn& in) const override;
  // gemini.embed_content / batch_embed_contents through the plugin's openai.embeddings hooks (a
  // plugin without them answers that it serves no embeddings). taskType and title have no place in
  // an OpenAI embeddings request and are dropped with a note.
  UpstreamRequest gemini_embed_request(const RequestIn& in) const override;
  std::string gemini_embed_response(const ResponseIn& in, Usage& usage) const override;
};

}  // namespace aicore::mapping

// A DialectProvider that serves the OpenAI Responses API through its own openai.chat hooks: the
// request becomes a chat request (aicore/mapping/responses.hpp) handed to openai_chat_request, and
// the chat answer the plugin makes of the upstream's — whole or streamed — becomes a Response. A
// plugin that serves openai.chat derives from this instead of DialectProvider and serves
// openai.responses on every model it serves chat on, with nothing else to write.
#pragma once

#include <aicore/plugin.hpp>

#include <memory>
#include <string>

namespace aicore::mapping {

class ResponsesOverChat : public DialectProvider {
 public:
  using DialectProvider::DialectProvider;

 protected:
  UpstreamRequest openai_responses_request(const RequestIn& in) const override;
  // The count_tokens estimate (aicore/mapping/count_tokens.hpp) of the request as chat would send it.
  std::string openai_responses_input_tokens(const RequestIn& in) const override;
  std::string openai_responses_response(const ResponseIn& in, Usage& usage) const override;
  std::unique_ptr<StreamConverter> openai_responses_stream(const ResponseIn& in) const override;
};

}  // namespace aicore::mapping

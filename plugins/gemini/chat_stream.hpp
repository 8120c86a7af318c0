// Vertex stream -> client stream, for one response.
//
// GeminiToOpenAIChunks turns each GenerateContentResponse into OpenAI chat.completion.chunk
// objects, keeping the order of the parts: a run of thought text is one reasoning_content delta,
// a run of text one content delta, each function call one tool_calls delta carrying the whole call
// (Gemini sends calls complete: index, id, name and all arguments at once). The first delta of a
// candidate carries role "assistant"; a finishReason becomes a {"delta":{},"finish_reason":…}
// chunk. Both client dialects are built on it:
//
//  - OpenAIChatStream writes each chunk as `data: {json}`, then (when the client asked with
//    stream_options.include_usage) a choices:[] usage chunk, then `data: [DONE]`.
//  - AnthropicMessagesStream feeds the same chunks (and always the usage chunk) to the shared
//    OpenAIToAnthropicStream, which emits spec-exact Anthropic events.
//
// A stream is complete when every candidate it named has a finishReason. Vertex sends no
// terminator, so one that ends before that was cut: finish() throws aicore::upstream_error and the
// host ends the client's stream with an error. A prompt the service refused (promptFeedback
// .blockReason, no candidates) throws aicore::invalid_request before anything was written, so the
// client gets a 400. An {"error":{…}} object in the stream is forwarded as the dialect's error event
// and ends the stream. Both report the typed events (aicore::Sink): usage as usageMetadata
// arrives, the streamed error (classified) before its event, the end after the terminator.
#pragma once

#include "context.hpp"
#include "json_util.hpp"
#include "stream_reader.hpp"

#include <aicore/mapping/mapping.hpp>
#include <aicore/plugin.hpp>

#include <functional>
#include <map>
#include <memory>

namespace aicore::gemini {

class GeminiToOpenAIChunks {
 public:
  using OnChunk = std::function<void(const Json&)>;
  GeminiToOpenAIChunks(ResponseContext ctx, int64_t created);

  void on_response(const Json& response, const OnChunk& out);
  // {…, "choices":[], "usage":{…}}; null before usageMetadata was seen.
  Json usage_chunk() const;
  bool complete() const;  // every candidate named so far has finished
  bool failed() const { return failed_; }
  void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const;
  // The usage so far in the ABI's convention.
  Usage counts() const;

 private:
  struct Candidate {
    bool started = false;
    bool finished = false;
    int calls = 0;
  };
  Json chunk(int index, Json delta, const Json& finish_reason) const;
  void on_candidate(const Json& cand, int index, const OnChunk& out);

  ResponseContext ctx_;
  int64_t created_;
  std::string id_;
  std::map<int, Candidate> cands_;
  Json usage_metadata_;
  bool failed_ = false;
};

// What both client streams share: the reader that splits Vertex's stream into responses and the
// chunks they become; the usage counted there is the stream's usage.
class GeminiChunkStream : public StreamConverter {
 public:
  void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const override {
    chunks_.usage(prompt_tokens, completion_tokens);
  }

 protected:
  GeminiChunkStream(const ResponseContext& ctx, int64_t created) : chunks_(ctx, created) {}

  GeminiStreamReader reader_;
  GeminiToOpenAIChunks chunks_;
};

class OpenAIChatStream final : public GeminiChunkStream {
 public:
  OpenAIChatStream(const ResponseContext& ctx, int64_t created);
  void feed(std::string_view bytes, const Sink& events) override;
  void finish(const Sink& events) override;

 private:
  void on_response(const Json& response, const Sink& events);

  bool include_usage_;
  bool finished_ = false;
};

class AnthropicMessagesStream final : public GeminiChunkStream {
 public:
  AnthropicMessagesStream(const ResponseContext& ctx, int64_t created);
  void feed(std::string_view bytes, const Sink& events) override;
  void finish(const Sink& events) override;

 private:
  void on_response(const Json& response, const mapping::Emit& emit);

  mapping::OpenAIToAnthropicStream anthropic_;
  bool finished_ = false;
};

}  // namespace aicore::gemini

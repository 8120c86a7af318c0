// Vertex stream -> gemini.generate_content client stream, for one response.
//
// Each GenerateContentResponse Vertex streams (SSE or JSON-array framing, any byte split: the
// shared GeminiStreamReader) is written as one `data: {json}\n\n` event, unchanged but for
// modelVersion (gemini_api_response.hpp); the host frames them as a JSON array when the client
// did not ask for alt=sse. No terminator: end() after the last event.
//
// Usage is reported whenever usageMetadata arrives. An {"error":{code,message,status}} object in
// the stream is classified (Google's status names: UNAVAILABLE and RESOURCE_EXHAUSTED may fail
// over, INVALID_ARGUMENT is the client's), reported as the typed upstream_error, written as the
// client's error event `data: {"error":{"code":N,"message":"…","status":"…"}}` and ends the
// stream. A stream that stops before every candidate has a finishReason (or the prompt was
// blocked) was cut: finish() throws aicore::upstream_error and the host ends it with an error.
#pragma once

#include "context.hpp"
#include "json_util.hpp"
#include "stream_reader.hpp"

#include <aicore/plugin.hpp>

#include <map>

namespace aicore::gemini {

class GeminiApiStream final : public StreamConverter {
 public:
  explicit GeminiApiStream(ResponseContext ctx) : ctx_(std::move(ctx)) {}

  void feed(std::string_view bytes, const Sink& events) override;
  void finish(const Sink& events) override;
  void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const override;

 private:
  void on_response(Json response, const Sink& events);
  void on_error(const Json& error, const Sink& events);
  bool complete() const;

  ResponseContext ctx_;
  GeminiStreamReader reader_;
  std::map<int, bool> finished_;  // candidate index -> has its finishReason
  bool blocked_ = false;          // promptFeedback.blockReason: the whole answer
  bool failed_ = false;           // an error object ended the stream
  bool done_ = false;             // finish() ran
  Usage usage_;
};

}  // namespace aicore::gemini

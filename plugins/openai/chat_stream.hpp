// Azure chat/completions SSE stream -> OpenAI chat.completion.chunk stream, for one response.
//
// Azure's stream differs from OpenAI's in ways OpenAI clients notice:
//  - a first event with empty choices, id "" and created 0 that only carries prompt_filter_results
//    (some SDKs index choices[0] and crash on it): dropped;
//  - content_filter_results on every choice, prompt_filter_results at the top: removed;
//  - "usage": null on every chunk and a final usage chunk even when only the proxy asked for it
//    (convert_chat_request always sets include_usage upstream): both reach the client only if the
//    client itself asked, as OpenAI would behave.
// Each chunk is forwarded as exactly one `data: {json}\n\n` event (one Sink::write), tool-call
// deltas untouched (index, id and argument fragments). `data: [DONE]` is forwarded once (then
// Sink::end); an upstream `data: {"error":...}` is reported (Sink::upstream_error), forwarded and
// ends the stream. A stream that ends without either is truncated: finish() throws instead of
// letting the client mistake it for a full answer. The usage Azure sends (always asked for) is
// reported through Sink::usage whether or not the client sees it.
#pragma once

#include "context.hpp"
#include "fast_json.hpp"
#include "json_util.hpp"

#include <aicore/plugin.hpp>
#include <aicore/sse.hpp>

namespace aicore::openai {

class ChatStreamConverter final : public StreamConverter {
 public:
  explicit ChatStreamConverter(ResponseContext context) : include_usage_(context.client_include_usage) {}

  void feed(std::string_view bytes, const Sink& events) override;
  void finish(const Sink& events) override;
  void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const override {
    prompt_tokens = prompt_tokens_;
    completion_tokens = completion_tokens_;
  }

 private:
  // Remembers and reports the usage of a chunk before cleaning may drop it.
  void note_usage(const Json& chunk, const Sink& events);
  void on_event(const SseEvent& event, const Sink& events);
  // The same as on_event's DOM path without a DOM, for canonical chunks; false: not handled.
  bool on_event_fast(std::string_view data, const Sink& events);
  void forward_error(const Json& error, const Sink& events);
  // Cleans one chunk in place; false when nothing of it should reach the client.
  bool clean_chunk(Json& chunk) const;

  SseParser parser_;
  // Reused by on_event_fast so a chunk costs no allocation once they have grown.
  std::vector<fast::Member> top_, fields_;
  std::vector<std::string_view> choices_;
  std::string out_;
  const bool include_usage_;
  bool done_ = false;    // [DONE] forwarded: later bytes are ignored
  bool failed_ = false;  // an error event was forwarded: the stream is over
  bool finished_ = false;
  int64_t prompt_tokens_ = -1, completion_tokens_ = -1;
};

}  // namespace aicore::openai

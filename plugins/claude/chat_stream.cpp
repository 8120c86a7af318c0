#include "chat_stream.hpp"

namespace aicore::claude {

ChatStreamConverter::ChatStreamConverter(std::unique_ptr<EventSource> source, const ResponseContext& context,
                                         int64_t created)
    : source_(std::move(source)),
      stream_(mapping::OpenAIStreamOptions{context.client_model, context.include_usage, created, context.json_tool}) {}

void ChatStreamConverter::feed(std::string_view bytes, const Sink& events) {
  if (stream_.done()) return;
  const mapping::Emit emit(events);
  try {
    source_->feed(bytes, [&](AnthropicEvent&& e) {
      if (!stream_.done()) stream_.on_event(e.json, emit);
    });
  } catch (const PluginError&) {
    // Bytes after the end of the message in the same read do not matter (split-independent).
    if (!stream_.done()) throw;
  }
}

void ChatStreamConverter::finish(const Sink& events) {
  if (finished_) return;
  finished_ = true;
  const mapping::Emit emit(events);
  if (!stream_.done()) {
    try {
      source_->finish([&](AnthropicEvent&& e) {
        if (!stream_.done()) stream_.on_event(e.json, emit);
      });
    } catch (const PluginError&) {
      // After the end: ignored; cut off mid-event: the mapping reports the truncation below.
    }
  }
  stream_.finish(emit);
}

void ChatStreamConverter::usage(int64_t& prompt_tokens, int64_t& completion_tokens) const {
  stream_.usage(prompt_tokens, completion_tokens);
}

}  // namespace aicore::claude

// The stream side of serving a dialect through a plugin's own openai.chat hooks (Responses API,
// Gemini API): runs the plugin's chat stream converter on a sink layered over the host's and hands
// each chat event it writes to the derived class; its typed events (classified upstream errors,
// usage) pass through to the host unchanged.
#pragma once

#include <aicore/plugin.hpp>
#include <aicore/sse.hpp>

#include <memory>
#include <string>

namespace aicore::mapping::detail {

class OverChatStream : public StreamConverter {
 public:
  explicit OverChatStream(std::unique_ptr<StreamConverter> chat) : chat_(std::move(chat)) {
    layer_.base.ctx = this;
    layer_.base.write = &OverChatStream::on_write;
    layer_.struct_size = sizeof(acp_event_sink);
    layer_.end = &OverChatStream::on_end;
    layer_.upstream_error = &OverChatStream::on_upstream_error;
    layer_.usage = &OverChatStream::on_usage;
  }

  void feed(std::string_view bytes, const Sink& events) override {
    outer_ = &events;
    chat_->feed(bytes, Sink::layered(&layer_));
    outer_ = nullptr;
  }
  void finish(const Sink& events) override {
    outer_ = &events;
    chat_->finish(Sink::layered(&layer_));
    outer_ = nullptr;
  }
  void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const override {
    chat_->usage(prompt_tokens, completion_tokens);
  }

 protected:
  // One chat event's data (`[DONE]`, a chunk's JSON, an error object); `out` is the host's sink.
  virtual void on_chat_event(const std::string& data, const Sink& out) = 0;
  // The chat converter ended its stream (right after [DONE] or its error event).
  virtual void on_chat_end(const Sink&) {}
  // The HTTP status of the last upstream error the chat converter classified, 0 when none.
  int upstream_status() const { return upstream_status_; }

 private:
  // Each write is one complete chat event (`data: …` and its blank line), read with the SDK's parser.
  static void on_write(void* ctx, acp_str bytes) {
    auto* self = static_cast<OverChatStream*>(ctx);
    self->sse_.feed(std::string_view(bytes.ptr, bytes.len),
                    [self](const SseEvent& e) { self->on_chat_event(e.data, *self->outer_); });
  }
  static void on_end(void* ctx) {
    auto* self = static_cast<OverChatStream*>(ctx);
    self->on_chat_end(*self->outer_);
  }
  static void on_upstream_error(void* ctx, acp_error_class cls, int32_t status, acp_str type, acp_str message) {
    auto* self = static_cast<OverChatStream*>(ctx);
    self->upstream_status_ = status;
    self->outer_->upstream_error(cls, status, std::string_view(type.ptr, type.len),
                                 std::string_view(message.ptr, message.len));
  }
  static void on_usage(void* ctx, const acp_usage* u) {
    static_cast<OverChatStream*>(ctx)->outer_->usage(Usage::from_c(*u));
  }

  std::unique_ptr<StreamConverter> chat_;
  SseParser sse_;
  acp_event_sink layer_{};
  const Sink* outer_ = nullptr;
  int upstream_status_ = 0;
};

}  // namespace aicore::mapping::detail

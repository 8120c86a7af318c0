#include "messages_stream.hpp"

#include <aicore/mapping/upstream.hpp>
#include <aicore/sse.hpp>

namespace aicore::claude {
namespace {
int64_t int_or(const Json& obj, std::string_view key, int64_t fallback) {
  auto it = obj.find(key);
  return (it != obj.end() && it->is_number_integer()) ? it->get<int64_t>() : fallback;
}
}  // namespace

void MessagesStreamConverter::feed(std::string_view bytes, const Sink& events) {
  if (stopped_ || failed_) return;
  try {
    source_->feed(bytes, [&](AnthropicEvent&& e) { on_event(std::move(e), events); });
  } catch (const PluginError&) {
    // Bytes after message_stop (or an error event) in the same read do not matter: the message
    // is complete, however the upstream's bytes happened to be split.
    if (!(stopped_ || failed_)) throw;
  }
}

void MessagesStreamConverter::finish(const Sink& events) {
  if (finished_) return;
  finished_ = true;
  if (stopped_ || failed_) return;
  // A last event without its blank line still counts; one cut off mid-way is the truncation below.
  try {
    source_->finish([&](AnthropicEvent&& e) { on_event(std::move(e), events); });
  } catch (const PluginError&) {
    // Garbage after the end is ignored (as in feed); an event cut off before the end is the
    // truncation handled below.
  }
  if (stopped_ || failed_) return;
  // Everything but the final marker arrived (message_delta carries the stop reason and usage):
  // the message is complete, so end it the way the upstream would have.
  if (delta_seen_) {
    events.write(sse_event("message_stop", "{\"type\":\"message_stop\"}"));
    stopped_ = true;
    events.end();
    return;
  }
  throw upstream_error("upstream stream ended before message_stop");
}

void MessagesStreamConverter::on_event(AnthropicEvent&& e, const Sink& events) {
  if (stopped_ || failed_) return;  // nothing follows the end of a message
  auto t = e.json.find("type");
  if (t == e.json.end() || !t->is_string()) throw upstream_error("stream event: no type");
  const std::string type = t->get<std::string>();
  if (type == "message_start") {
    if (auto m = e.json.find("message"); m != e.json.end() && m->is_object())
      if (auto u = m->find("usage"); u != m->end() && u->is_object()) note_usage(*u, events);
  } else if (type == "message_delta") {
    if (auto u = e.json.find("usage"); u != e.json.end() && u->is_object()) note_usage(*u, events);
    delta_seen_ = true;
  } else if (type == "error") {
    auto err = e.json.find("error");
    mapping::report_stream_error(events, err != e.json.end() ? *err : Json("upstream error"));
  }
  events.write(sse_event(type, e.raw.empty() ? dump(e.json) : e.raw));
  if (type == "message_stop")
    stopped_ = true;
  else if (type == "error")
    failed_ = true;
  if (stopped_ || failed_) events.end();
}

void MessagesStreamConverter::note_usage(const Json& u, const Sink& events) {
  input_ = int_or(u, "input_tokens", input_);
  cache_read_ = int_or(u, "cache_read_input_tokens", cache_read_);
  cache_creation_ = int_or(u, "cache_creation_input_tokens", cache_creation_);
  output_ = int_or(u, "output_tokens", output_);
  Usage counts;
  usage(counts.input_tokens, counts.output_tokens);
  if (input_ >= 0) counts.cache_read_tokens = cache_read_, counts.cache_write_tokens = cache_creation_;
  events.usage(counts);
}

void MessagesStreamConverter::usage(int64_t& prompt_tokens, int64_t& completion_tokens) const {
  prompt_tokens = input_ < 0 ? -1 : input_ + cache_read_ + cache_creation_;
  completion_tokens = output_;
}

}  // namespace aicore::claude

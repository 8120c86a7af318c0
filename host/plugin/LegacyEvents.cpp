#include "plugin/LegacyEvents.hpp"

#include <aicore/sse.hpp>
#include <aicore/stream_errors.hpp>
#include <nlohmann/json.hpp>

#include <cctype>

namespace aicore::host {
namespace {

// The first SSE event that carries data, read by the SDK's parser (the one the plugins use).
std::optional<SseEvent> first_event(std::string_view events) {
  SseParser parser(std::string_view::npos);  // one write of the plugin's, already in memory
  std::optional<SseEvent> first;
  parser.feed(events, [&](const SseEvent& e) {
    if (!first && e.has_data) first = e;  // only the first counts (an error may come with [DONE])
  });
  return first;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

std::string as_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return {};
}

// The integer after "key": in text, or -1.
int64_t number_after(std::string_view text, std::string_view key) {
  size_t pos = text.find(key);
  if (pos == std::string_view::npos) return -1;
  pos += key.size();
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == ':')) ++pos;
  int64_t v = 0;
  bool any = false;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    v = v * 10 + (text[pos++] - '0');
    any = true;
  }
  return any ? v : -1;
}

}  // namespace

bool ends_stream(Family f, std::string_view events) {
  auto ends_with = [&](std::string_view tail) {
    return events.size() >= tail.size() && events.substr(events.size() - tail.size()) == tail;
  };
  if (f == Family::OpenAI) return ends_with("data: [DONE]\n\n") || ends_with("data: [DONE]\r\n\r\n");
  // The last event's name: its `event:` line is at the start or right after the previous event.
  size_t at = events.rfind("event:");
  if (at == std::string_view::npos || (at > 0 && events[at - 1] != '\n')) return false;
  std::string_view name = events.substr(at + 6);
  if (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  return name.starts_with("message_stop\n") || name.starts_with("message_stop\r") || name.starts_with("error\n") ||
         name.starts_with("error\r");
}

std::optional<LeadingError> leading_retryable_error(Family family, std::string_view event) {
  // Cheap refusal first: this runs on the first event of every stream.
  if (!contains(event, "error")) return std::nullopt;
  auto first = first_event(event);
  if (!first) return std::nullopt;
  if (family == Family::Anthropic && first->event != "error") return std::nullopt;
  auto j = nlohmann::json::parse(first->data, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto e = j.find("error");
  if (e == j.end() || !e->is_object()) return std::nullopt;
  const std::string type = e->contains("type") ? as_text((*e)["type"]) : std::string();
  const std::string code = e->contains("code") ? as_text((*e)["code"]) : std::string();
  std::string message = e->contains("message") ? as_text((*e)["message"]) : std::string();
  const StreamErrorClass c = classify_stream_error(type, code, message);
  if (c.cls != ACP_UPSTREAM_RETRY) return std::nullopt;
  if (message.empty()) message = "upstream error event (" + (type.empty() ? code : type) + ")";
  return LeadingError{c.http_status, std::move(message)};
}

bool scan_usage(std::string_view text, Usage& usage) {
  const size_t at = text.find("\"usage\"");
  if (at == std::string_view::npos) return false;
  text.remove_prefix(at);  // the counts are inside usage: no need to search the whole answer for them
  bool any = false;
  for (auto key : {"\"prompt_tokens\"", "\"input_tokens\""})
    if (int64_t v = number_after(text, key); v > usage.input_tokens) usage.input_tokens = v, any = true;
  for (auto key : {"\"completion_tokens\"", "\"output_tokens\""})
    if (int64_t v = number_after(text, key); v > usage.output_tokens) usage.output_tokens = v, any = true;
  return any;
}

void LegacyEvents::event(std::string_view bytes, StreamEvents& to) {
  if (first_) {
    first_ = false;
    if (auto le = leading_retryable_error(family_, bytes))
      to.upstream_error(UpstreamError{ACP_UPSTREAM_RETRY, le->status, {}, std::move(le->message)});
  }
  to.event(bytes);
  if (ends_stream(family_, bytes)) to.end();
  if (scan_usage(bytes, seen_)) to.usage(seen_);
}

void LegacyEvents::stream_usage(int64_t prompt_tokens, int64_t completion_tokens, StreamEvents& to) {
  bool raised = false;
  if (prompt_tokens > seen_.input_tokens) seen_.input_tokens = prompt_tokens, raised = true;
  if (completion_tokens > seen_.output_tokens) seen_.output_tokens = completion_tokens, raised = true;
  if (raised) to.usage(seen_);
}

}  // namespace aicore::host

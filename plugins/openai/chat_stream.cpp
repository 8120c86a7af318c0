#include "chat_stream.hpp"

#include "azure_extras.hpp"

namespace aicore::openai {

void ChatStreamConverter::feed(std::string_view bytes, const Sink& events) {
  if (done_ || failed_) return;
  parser_.feed(bytes, [&](const SseEvent& e) { on_event(e, events); });
}

void ChatStreamConverter::finish(const Sink& events) {
  if (finished_) return;
  finished_ = true;
  if (done_ || failed_) return;
  // An upstream that omits the blank line after its last event (Azure does after [DONE]) still
  // finished properly: dispatch what is pending first. A pending event that does not parse was
  // cut off mid-way, which is the truncation reported below, not a malformed upstream.
  try {
    parser_.finish([&](const SseEvent& e) { on_event(e, events); });
  } catch (const PluginError&) {
    if (done_ || failed_) throw;
  }
  if (!done_ && !failed_) throw upstream_error("upstream stream ended before [DONE]");
}

void ChatStreamConverter::on_event(const SseEvent& event, const Sink& events) {
  if (done_ || failed_) return;  // events after the end of the stream in the same feed() call
  if (!event.has_data || event.data.empty()) return;
  if (event.data == "[DONE]") {
    done_ = true;
    events.write(sse_data("[DONE]"));
    return;
  }
  Json chunk = parse_upstream_json(event.data, "stream event");
  if (!chunk.is_object()) throw upstream_error("stream event: not a JSON object");
  if (auto e = chunk.find("error"); e != chunk.end() && !e->is_null()) {
    forward_error(*e, events);
    return;
  }
  note_usage(chunk);
  if (clean_chunk(chunk)) events.write(sse_data(dump(chunk)));
}

// The openai SDKs raise an APIError when a data event carries "error", so the upstream's error
// reaches the caller's code with its message; nothing may follow it.
void ChatStreamConverter::forward_error(const Json& error, const Sink& events) {
  failed_ = true;
  Json e = error;
  if (!e.is_object()) {
    e = Json::object();
    e["message"] = error.is_string() ? error.get<std::string>() : dump(error);
    e["type"] = "api_error";
    e["param"] = nullptr;
    e["code"] = nullptr;
  }
  Json out = Json::object();
  out["error"] = std::move(e);
  events.write(sse_data(dump(out)));
}

void ChatStreamConverter::note_usage(const Json& chunk) {
  auto u = chunk.find("usage");
  if (u == chunk.end() || !u->is_object()) return;
  if (auto p = u->find("prompt_tokens"); p != u->end() && p->is_number_integer()) prompt_tokens_ = p->get<int64_t>();
  if (auto c = u->find("completion_tokens"); c != u->end() && c->is_number_integer()) completion_tokens_ = c->get<int64_t>();
}

bool ChatStreamConverter::clean_chunk(Json& chunk) const {
  strip_azure_top_level(chunk);
  bool has_choices = false;
  if (auto c = chunk.find("choices"); c != chunk.end() && c->is_array()) {
    Json& choices = *c;
    for (size_t i = choices.size(); i-- > 0;) {
      Json& choice = choices[i];
      strip_azure_choice(choice);
      // Azure's asynchronous content filter sends choices that hold only annotations (no delta,
      // no finish_reason); once those are stripped nothing is left for the client.
      if (choice.is_object() && !choice.contains("delta")) {
        auto fr = choice.find("finish_reason");
        if (fr == choice.end() || fr->is_null()) choices.erase(i);
      }
    }
    has_choices = !choices.empty();
  }
  auto usage = chunk.find("usage");
  const bool has_usage = usage != chunk.end() && !usage->is_null();
  if (!include_usage_ && usage != chunk.end()) {
    chunk.erase(usage);
    if (!has_choices) return false;  // the usage chunk the client did not ask for
  }
  return has_choices || has_usage;  // an empty chunk is Azure's filter-only first event
}

}  // namespace aicore::openai

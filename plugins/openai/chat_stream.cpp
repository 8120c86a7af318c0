#include "chat_stream.hpp"

#include "azure_extras.hpp"
#include "fast_json.hpp"

#include <aicore/mapping/upstream.hpp>

#include <charconv>

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
    events.end();
    return;
  }
  if (on_event_fast(event.data, events)) return;
  Json chunk = parse_upstream_json(event.data, "stream event");
  if (!chunk.is_object()) throw upstream_error("stream event: not a JSON object");
  if (auto e = chunk.find("error"); e != chunk.end() && !e->is_null()) {
    forward_error(*e, events);
    return;
  }
  note_usage(chunk, events);
  if (clean_chunk(chunk)) events.write(sse_data(dump(chunk)));
}

// The openai SDKs raise an APIError when a data event carries "error", so the upstream's error
// reaches the caller's code with its message; nothing may follow it.
void ChatStreamConverter::forward_error(const Json& error, const Sink& events) {
  failed_ = true;
  mapping::report_stream_error(events, error);
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

void ChatStreamConverter::note_usage(const Json& chunk, const Sink& events) {
  auto u = chunk.find("usage");
  if (u == chunk.end() || !u->is_object()) return;
  if (auto p = u->find("prompt_tokens"); p != u->end() && p->is_number_integer()) prompt_tokens_ = p->get<int64_t>();
  if (auto c = u->find("completion_tokens"); c != u->end() && c->is_number_integer())
    completion_tokens_ = c->get<int64_t>();
  events.usage(mapping::usage_from_openai(*u));
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

namespace aicore::openai {
namespace {

// A canonical integer's value (fast::canonical() admits at most 18 digits); false for other values.
bool integer(std::string_view v, int64_t& n) {
  if (v.empty() || !(v.front() == '-' || (v.front() >= '0' && v.front() <= '9'))) return false;
  if (v.find_first_of(".eE") != std::string_view::npos) return false;
  return std::from_chars(v.data(), v.data() + v.size(), n).ec == std::errc();
}

}  // namespace

// clean_chunk() and note_usage() on the bytes of a canonical chunk (Azure's are): the kept
// members are copied, so the event is byte for byte what the DOM path would write. Chunks that
// carry an error, and anything not canonical, go the DOM path.
bool ChatStreamConverter::on_event_fast(std::string_view data, const Sink& events) {
  const std::string_view t = fast::trim(data);
  if (!fast::canonical_object(t, top_)) return false;
  const fast::Member* usage = nullptr;
  for (const fast::Member& m : top_) {
    if (m.key == "error" && m.value != "null") return false;
    if (m.key == "usage") usage = &m;
  }
  if (usage && usage->value.front() == '{') {
    // Once per stream (the final usage chunk): the details want a real parse.
    events.usage(mapping::usage_from_openai(Json::parse(usage->value, nullptr, false)));
    fast::members(usage->value, fields_);
    for (const fast::Member& f : fields_) {
      if (f.key == "prompt_tokens") {
        if (int64_t n; integer(f.value, n)) prompt_tokens_ = n;
      } else if (f.key == "completion_tokens") {
        if (int64_t n; integer(f.value, n)) completion_tokens_ = n;
      }
    }
  }
  std::string& out = out_;
  out.clear();
  out.append("data: ");
  out += '{';
  bool first = true, has_choices = false;
  for (const fast::Member& m : top_) {
    if (is_azure_top_level_key(m.key)) continue;
    if (&m == usage && !include_usage_) continue;
    if (!first) out += ',';
    first = false;
    if (m.key != "choices" || m.value.front() != '[') {
      out += m.text;
      continue;
    }
    out.append(m.text.data(), m.value.data() - m.text.data());  // "choices":
    out += '[';
    fast::elements(m.value, choices_);
    bool first_choice = true;
    for (const std::string_view c : choices_) {
      if (c.front() != '{') {
        if (!first_choice) out += ',';
        first_choice = false;
        out += c;
        continue;
      }
      fast::members(c, fields_);
      bool has_delta = false, finished = false;
      for (const fast::Member& f : fields_) {
        if (f.key == "delta")
          has_delta = true;
        else if (f.key == "finish_reason")
          finished = f.value != "null";
      }
      // Only annotations from the asynchronous content filter: nothing left for the client.
      if (!has_delta && !finished) continue;
      if (!first_choice) out += ',';
      first_choice = false;
      fast::append_object(out, fields_, [](const fast::Member& f) { return !is_azure_choice_key(f.key); });
    }
    out += ']';
    has_choices = !first_choice;
  }
  out += '}';
  const bool has_usage = usage && usage->value != "null";
  if (!include_usage_ && usage && !has_choices) return true;  // the usage chunk the client did not ask for
  if (!has_choices && !has_usage) return true;                // Azure's filter-only first event
  out.append("\n\n");
  events.write(out);
  return true;
}

}  // namespace aicore::openai

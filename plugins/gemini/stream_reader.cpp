#include "stream_reader.hpp"

#include <aicore/plugin.hpp>

namespace aicore::gemini {

void GeminiStreamReader::feed(std::string_view bytes, const OnObject& on_object) {
  if (stopped_) return;
  if (mode_ == Mode::Unknown) {
    size_t first = bytes.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return;  // nothing telling yet (and blanks matter in neither form)
    bytes.remove_prefix(first);
    mode_ = (bytes[0] == '[' || bytes[0] == '{') ? Mode::Array : Mode::Sse;
  }
  if (mode_ == Mode::Sse)
    sse_.feed(bytes, [&](const SseEvent& e) { on_sse(e, on_object); });
  else
    feed_array(bytes, on_object);
}

bool GeminiStreamReader::finish(const OnObject& on_object) {
  if (stopped_) return true;
  if (mode_ == Mode::Sse) {
    bool cut = false;
    sse_.finish([&](const SseEvent& e) {
      // A last event without its blank line is complete if its JSON is; otherwise it was cut.
      if (!e.has_data || e.data.empty()) return;
      if (!Json::accept(e.data)) {
        cut = true;
        return;
      }
      on_sse(e, on_object);
    });
    return !cut;
  }
  return depth_ == 0 && !in_string_;
}

void GeminiStreamReader::on_sse(const SseEvent& e, const OnObject& on_object) {
  if (stopped_ || !e.has_data || e.data.empty() || e.data == "[DONE]") return;
  Json j = parse_upstream_json(e.data, "stream event");
  if (!j.is_object()) throw upstream_error("stream event: not a JSON object");
  on_object(j);
}

void GeminiStreamReader::feed_array(std::string_view bytes, const OnObject& on_object) {
  size_t start = depth_ > 0 ? 0 : std::string_view::npos;  // where the current object's bytes begin
  for (size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (depth_ == 0) {
      if (c == '{') {
        depth_ = 1;
        start = i;
      } else if (c != '[' && c != ']' && c != ',' && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        throw upstream_error(std::string("stream: unexpected byte '") + c + "' between JSON objects");
      }
      continue;
    }
    if (in_string_) {
      if (escaped_)
        escaped_ = false;
      else if (c == '\\')
        escaped_ = true;
      else if (c == '"')
        in_string_ = false;
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      if (++depth_ > kMaxJsonDepth) throw upstream_error("stream: JSON nested too deeply");
    } else if (c == '}' || c == ']') {
      if (--depth_ == 0) {
        object_.append(bytes.substr(start, i + 1 - start));
        Json j = parse_upstream_json(object_, "stream element");
        object_.clear();
        start = std::string_view::npos;
        if (!j.is_object()) throw upstream_error("stream element: not a JSON object");
        on_object(j);
        if (stopped_) return;
      }
    }
  }
  if (depth_ > 0 && start != std::string_view::npos) object_.append(bytes.substr(start));
}

}  // namespace aicore::gemini

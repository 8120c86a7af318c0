#include "invoke_stream.hpp"

#include <aicore/mapping/base64.hpp>
#include <aicore/plugin.hpp>

namespace aicore::claude {
namespace {

constexpr std::string_view kMetrics = "amazon-bedrock-invocationMetrics";

int64_t int_or(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  return (it != obj.end() && it->is_number_integer()) ? it->get<int64_t>() : -1;
}

}  // namespace

void InvokeEventSource::feed(std::string_view bytes, const OnEvent& on_event) {
  parser_.feed(bytes, [&](const SseEvent& e) { on_sse(e, on_event); });
}

void InvokeEventSource::finish(const OnEvent& on_event) {
  parser_.finish([&](const SseEvent& e) { on_sse(e, on_event); });
}

void InvokeEventSource::on_sse(const SseEvent& e, const OnEvent& on_event) {
  if (!e.has_data) return;
  std::string_view data = e.data;
  if (data.find_first_not_of(" \t\r\n") == std::string_view::npos || data == "[DONE]") return;
  Json j = parse_upstream_json(data, "stream event");
  bool changed = false;
  if (!j.is_object()) throw upstream_error("stream event: not a JSON object");
  if (!j.contains("type")) {
    if (auto b = j.find("bytes"); b != j.end() && b->is_string()) {
      auto decoded = mapping::base64_decode_strict(b->get_ref<const std::string&>());
      if (!decoded) throw upstream_error("stream event: bad base64 in bytes");
      j = parse_upstream_json(*decoded, "stream event");
      if (!j.is_object()) throw upstream_error("stream event: not a JSON object");
      changed = true;
    }
  }
  if (!j.contains("type")) {
    // An exception relayed in the stream: {"message":"…"} (Bedrock) or {"error":{…}} (SAP).
    std::string_view message = string_or(j, "message", string_or(j, "Message"));
    std::string_view type = "api_error";
    if (auto err = j.find("error"); err != j.end()) {
      if (err->is_object()) {
        message = string_or(*err, "message", message);
        if (auto t = string_or(*err, "type"); !t.empty()) type = error_type_for_exception(t);
        if (auto code = err->find("code"); code != err->end() && (*code == "429" || *code == 429))
          type = "rate_limit_error";
      } else if (err->is_string()) {
        message = err->get_ref<const std::string&>();
      }
    }
    for (std::string_view k : {"__type", "exceptionType", "code"})
      if (auto t = string_or(j, k); !t.empty()) type = error_type_for_exception(t);
    std::string text = message.empty() ? "upstream stream error: " + dump(j) : std::string(message);
    if (type == "api_error" &&
        (text.find("Too many") != std::string::npos || text.find("rate limit") != std::string::npos))
      type = "rate_limit_error";
    on_event(AnthropicEvent{anthropic_error_event(type, text), {}});
    return;
  }
  if (auto m = j.find(kMetrics); m != j.end()) {
    if (m->is_object()) {
      metrics_in_ = int_or(*m, "inputTokenCount");
      metrics_out_ = int_or(*m, "outputTokenCount");
    }
    j.erase(m);
    changed = true;
  }
  // Forward the upstream's bytes only when they are exactly one compact-enough JSON line.
  const bool one_line = data.find('\n') == std::string_view::npos && data.find('\r') == std::string_view::npos &&
                        data.front() == '{' && data.back() == '}';
  on_event(AnthropicEvent{std::move(j), (changed || !one_line) ? std::string() : std::string(data)});
}

}  // namespace aicore::claude

#include <aicore/mapping/json_io.hpp>
#include <aicore/mapping/upstream.hpp>

#include "json_util.hpp"
#include "usage.hpp"

namespace aicore::mapping {

using namespace detail;

std::string upstream_error_message(std::string_view body) {
  if (body.empty() || nested_deeper_than(body, kMaxJsonDepth)) return {};
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_array() && !j.empty()) j = j[0];
  if (!j.is_object()) return {};
  if (auto e = j.find("error"); e != j.end()) {
    if (e->is_object()) {
      if (std::string m = str_or(*e, "message"); !m.empty()) return m;
    } else if (e->is_string()) {
      std::string m = e->get<std::string>();
      if (std::string d = str_or(j, "error_description"); !d.empty()) m += ": " + d;
      return m;
    }
  }
  if (std::string m = str_or(j, "message"); !m.empty()) return m;
  return str_or(j, "Message");
}

acp_error_class classify_error_answer(const ResponseIn& in, const Sink& message,
                                      std::initializer_list<std::string_view> too_long) {
  if (in.status == 429 || in.status >= 500) return ACP_UPSTREAM_RETRY;
  if (in.status == 401 || in.status == 403) return ACP_UPSTREAM_REAUTH;
  if (std::string m = upstream_error_message(in.body); !m.empty()) message.write(m);
  if (in.status == 400 || in.status == 413)
    for (std::string_view phrase : too_long)
      if (in.body.find(phrase) != std::string_view::npos) return prompt_too_long();
  return ACP_UPSTREAM_FATAL;
}

void report_stream_error(const Sink& events, const Json& error) {
  auto text = [&](std::string_view key) -> std::string {
    const Json* v = find(error, key);
    if (v && v->is_string()) return v->get<std::string>();
    if (v && v->is_number_integer()) return std::to_string(v->get<int64_t>());
    return {};
  };
  if (!error.is_object()) {  // a bare message: a server error, as the client events render it
    aicore::report_stream_error(events, "api_error", "", error.is_string() ? error.get<std::string>() : dump(error));
    return;
  }
  aicore::report_stream_error(events, text("type"), text("code"), text("message"));
}

Usage usage_from_openai(const Json& u) {
  Usage out;
  if (!u.is_object()) return out;
  out.input_tokens = int_or(u, "prompt_tokens", -1);
  out.output_tokens = int_or(u, "completion_tokens", -1);
  if (const Json* d = find(u, "prompt_tokens_details")) out.cache_read_tokens = int_or(*d, "cached_tokens", -1);
  if (const Json* d = find(u, "completion_tokens_details")) out.reasoning_tokens = int_or(*d, "reasoning_tokens", -1);
  return out;
}

Usage usage_from_anthropic(const Json& u) {
  Usage out;
  if (!u.is_object()) return out;
  AnthropicUsage a;
  a.update(u);
  out.input_tokens = a.prompt();
  out.output_tokens = a.output;
  if (find(u, "cache_read_input_tokens")) out.cache_read_tokens = a.cache_read;
  if (find(u, "cache_creation_input_tokens")) out.cache_write_tokens = a.cache_creation;
  return out;
}

}  // namespace aicore::mapping

#include "server/LeadingError.hpp"

#include <aicore/sse.hpp>
#include <nlohmann/json.hpp>

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

// Types and codes that another deployment, or the same one later, may answer successfully.
std::optional<int> retryable_status(std::string_view type, std::string_view code, std::string_view message) {
  if (type == "invalid_request_error" || type == "authentication_error" || type == "permission_error" ||
      type == "not_found_error" || type == "request_too_large" || code == "content_filter")
    return std::nullopt;
  if (type == "rate_limit_error" || type == "rate_limit_exceeded" || type == "throttling_error" || code == "429" ||
      code == "rate_limit_exceeded" || contains(message, "Too many") || contains(message, "rate limit") ||
      contains(message, "Rate limit"))
    return 429;
  if (code == "RESOURCE_EXHAUSTED") return 429;  // Google's status names (Vertex)
  if (type == "overloaded_error" || code == "503" || code == "529" || code == "UNAVAILABLE") return 503;
  if (code == "INTERNAL" || code == "DEADLINE_EXCEEDED") return 502;
  if (type == "api_error" || type == "server_error" || type == "internal_error" || type == "timeout_error" ||
      code == "500" || code == "502" || code == "504")
    return 502;
  return std::nullopt;
}

std::string as_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return {};
}

}  // namespace

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
  auto status = retryable_status(type, code, message);
  if (!status) return std::nullopt;
  if (message.empty()) message = "upstream error event (" + (type.empty() ? code : type) + ")";
  return LeadingError{*status, std::move(message)};
}

}  // namespace aicore::host

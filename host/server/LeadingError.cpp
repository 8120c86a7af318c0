#include "server/LeadingError.hpp"

#include <nlohmann/json.hpp>

namespace aicore::host {
namespace {

// The data of the first SSE event (its `data:` lines joined), or nothing when there is none.
std::optional<std::string> event_data(std::string_view ev, std::string* name) {
  std::string data;
  bool any = false;
  while (!ev.empty()) {
    size_t nl = ev.find('\n');
    std::string_view line = ev.substr(0, nl);
    ev = nl == std::string_view::npos ? std::string_view{} : ev.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() && any) break;  // only the first event counts (an error may come with [DONE])
    auto value = [&](std::string_view field) {
      std::string_view v = line.substr(field.size());
      if (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      return v;
    };
    if (line.rfind("data:", 0) == 0) {
      if (any) data += '\n';
      data += value("data:");
      any = true;
    } else if (name && line.rfind("event:", 0) == 0) {
      *name = std::string(value("event:"));
    }
  }
  if (!any) return std::nullopt;
  return data;
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
  std::string name;
  auto data = event_data(event, family == Family::Anthropic ? &name : nullptr);
  if (!data) return std::nullopt;
  if (family == Family::Anthropic && name != "error") return std::nullopt;
  auto j = nlohmann::json::parse(*data, nullptr, /*allow_exceptions=*/false);
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

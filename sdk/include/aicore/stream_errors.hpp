// What an error that an upstream reports inside a successful (200) stream stands for: Azure's
// `data: {"error":…}`, an Anthropic `error` event, a Bedrock exception, Vertex's UNAVAILABLE or
// RESOURCE_EXHAUSTED. The plugins classify with it before they write their client error event
// (acp_event_sink.upstream_error); the host applies the same rules to the text of plugins built
// for ABI 1.0. One table, so both sides agree on what may fail over.
#pragma once

#include <aicore/abi.h>

#include <string_view>

namespace aicore {

struct StreamErrorClass {
  acp_error_class cls;  // RETRY: another deployment, or the same one later, may answer; FATAL otherwise
  int http_status;      // what the error stands for: 429, 503, 502, or the client's 4xx
};

// From the error's type and code (as the upstream or its client-dialect rendering spells them:
// OpenAI/Anthropic error types, HTTP status codes as text, Google's status names) and its message.
// Errors that retrying elsewhere cannot fix (a bad request, a content filter) are FATAL, and so is
// anything unrecognised: it reaches the client as it is.
inline StreamErrorClass classify_stream_error(std::string_view type, std::string_view code, std::string_view message) {
  auto has = [&](std::string_view needle) { return message.find(needle) != std::string_view::npos; };
  if (type == "invalid_request_error" || code == "content_filter") return {ACP_UPSTREAM_FATAL, 400};
  if (type == "authentication_error") return {ACP_UPSTREAM_FATAL, 401};
  if (type == "permission_error") return {ACP_UPSTREAM_FATAL, 403};
  if (type == "not_found_error") return {ACP_UPSTREAM_FATAL, 404};
  if (type == "request_too_large") return {ACP_UPSTREAM_FATAL, 413};
  if (type == "rate_limit_error" || type == "rate_limit_exceeded" || type == "throttling_error" || code == "429" ||
      code == "rate_limit_exceeded" || has("Too many") || has("rate limit") || has("Rate limit"))
    return {ACP_UPSTREAM_RETRY, 429};
  if (code == "RESOURCE_EXHAUSTED") return {ACP_UPSTREAM_RETRY, 429};  // Google's status names (Vertex)
  if (type == "overloaded_error" || code == "503" || code == "529" || code == "UNAVAILABLE")
    return {ACP_UPSTREAM_RETRY, 503};
  if (code == "INTERNAL" || code == "DEADLINE_EXCEEDED") return {ACP_UPSTREAM_RETRY, 502};
  if (type == "api_error" || type == "server_error" || type == "internal_error" || type == "timeout_error" ||
      code == "500" || code == "502" || code == "504")
    return {ACP_UPSTREAM_RETRY, 502};
  return {ACP_UPSTREAM_FATAL, 502};
}

}  // namespace aicore

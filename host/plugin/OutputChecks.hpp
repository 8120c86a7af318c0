// The host's check of the upstream request a plugin builds. A plugin is third-party code: a CR or
// LF in a target or header would let it (or the client bytes it copies) split the request it
// sends with our credentials, and a header the host owns (Authorization, AI-Resource-Group,
// Content-Length, ...) would let it replace the token, the tenant or the framing. Such output is
// refused before anything is sent.
#pragma once

#include <optional>
#include <string>

#include "plugin/Sinks.hpp"

namespace aicore::host {

enum class RequestKind {
  Inference,  // provider convert_request: a path+query appended to the deployment URL
  Token,      // upstream-auth build_token_request: an absolute URL; may set Authorization (Basic)
};

// Why `req` must not be sent, or nothing when it may.
std::optional<std::string> upstream_request_problem(const UpstreamRequest& req, RequestKind kind);

// Why `status` cannot be the status of a plugin's local answer (respond), or nothing.
std::optional<std::string> local_status_problem(int status);

}  // namespace aicore::host

// Who may read the operator's routes (/metrics, /admin/stats): open on a loopback listener unless configured
// otherwise, else only with one of the config's admin_keys, compared as SHA-256 digests in
// constant time so that a config may hold just the digest.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>

#include <string>
#include <string_view>
#include <vector>

#include "config/Config.hpp"  // and ClientKey.hpp: sha256_hex

namespace aicore::host {

// Whether the listener's host is this machine only (127.0.0.0/8, ::1, localhost).
bool loopback_host(std::string_view host);

// Whether the request carries one of `admin_keys` (as "Authorization: Bearer <key>" or
// "x-api-key: <key>").
bool has_admin_key(const Poco::Net::HTTPServerRequest& req, const std::vector<std::string>& admin_keys);

// The answer for a request to an operator's view (/metrics, /admin/stats), by metrics.auth:
// 0 = allowed, else the HTTP status (401, 403), with `why` naming `route`.
int metrics_access(const Config& config, const Poco::Net::HTTPServerRequest& req, std::string& why,
                   std::string_view route = "/metrics");

}  // namespace aicore::host

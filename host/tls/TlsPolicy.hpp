// The TLS policy of both sides (listener and upstream): the oldest protocol version accepted
// (1.2 unless configured to 1.3) and the TLS 1.2 cipher list (ECDHE + AEAD by default), instead
// of Poco's "ALL:!ADH:!LOW:!EXP:!MD5" and whatever protocol versions OpenSSL would negotiate.
#pragma once

#include <Poco/Net/Context.h>

#include <string>

#include "config/Config.hpp"

namespace aicore::host {

// Applies `min_version` ("1.2"/"1.3") and `ciphers` to `ctx`. Throws ConfigError naming
// `<section>.tls_min_version` / `<section>.tls_ciphers` (e.g. section "upstream").
void apply_tls_policy(Poco::Net::Context& ctx, const std::string& min_version, const std::string& ciphers,
                      const std::string& section);

// Throws ConfigError when OpenSSL refuses either side's policy (for start-up, --check-config and
// SIGHUP, before anything is swapped in).
void check_tls_policies(const Config& config);

// The client context for SAP AI Core: the system CA store (or upstream.ca_file), certificate and
// host name verification unless upstream.verify_tls is false, and the upstream TLS policy.
Poco::Net::Context::Ptr make_upstream_context(const UpstreamSettings& settings);

}  // namespace aicore::host

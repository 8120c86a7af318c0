// The client certificate of an X.509 service key (SAP BTP's certificate-based credentials:
// "certificate" and "key" in PEM, "certurl" the token endpoint that asks for them): a TLS client
// context that presents it, for that subaccount's token requests only.
#pragma once

#include <Poco/Net/Context.h>

#include <string>

#include "config/Config.hpp"

namespace aicore::host {

// The upstream context (make_upstream_context: CA store, verification, TLS policy) plus the
// certificate chain `certificate_pem` (the leaf first, then any intermediates, as BTP issues it)
// and its private key `key_pem`. Throws ConfigError starting with `where` (e.g.
// "subAccounts.a: the service key's") when either does not parse or the key does not match the
// certificate; the message never quotes the key.
Poco::Net::Context::Ptr make_client_certificate_context(const UpstreamSettings& settings,
                                                        const std::string& certificate_pem, const std::string& key_pem,
                                                        const std::string& where);

}  // namespace aicore::host

// The HTTPS listener's certificate, replaceable while the server runs (SIGHUP after a renewal):
// OpenSSL asks for the certificate per handshake (SSL_CTX_set_cert_cb), and the callback hands
// out the pair loaded last. Swapping a pointer under a mutex is safe while other threads accept
// connections, which re-loading files into the live SSL_CTX would not be.
#pragma once

#include <Poco/Net/Context.h>

#include "config/Config.hpp"

namespace aicore::host {

// The listener's context: the server TLS policy and server.tls_cert_file / tls_key_file.
// Throws ConfigError naming the field.
Poco::Net::Context::Ptr make_listener_context(const ServerSettings& settings);

// Loads the certificate (with its chain) and key again and makes new handshakes use them;
// connections already open keep theirs. Throws ConfigError (and changes nothing) when the files
// cannot be read or do not belong together.
void reload_listener_certificate(const Poco::Net::Context& ctx, const ServerSettings& settings);

}  // namespace aicore::host

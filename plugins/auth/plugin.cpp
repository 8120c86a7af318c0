// The auth plugin: client keys in, OAuth tokens out. Both interfaces from one library.
#include <aicore/plugin.hpp>

#include "client_auth.hpp"
#include "upstream_auth.hpp"

ACP_PLUGIN("auth", "1.0.0", "Client API keys (exact, constant-time) and SAP XSUAA client-credentials tokens",
           ACP_CLIENT_AUTH(aicore::auth::KeyAuth), ACP_UPSTREAM_AUTH(aicore::auth::XsuaaAuth))

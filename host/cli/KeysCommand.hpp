// `aicore-proxy keys new --name NAME [--models a,b*]`: a fresh random client key, printed once,
// and the client_keys entry that holds only its SHA-256 (so the config file holds no secret).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace aicore::host {

// args: what follows "keys". Returns the exit status (2: usage error).
int keys_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// 32 random bytes from the system's generator, as "aic-" and 43 base64url characters.
std::string new_client_key();

}  // namespace aicore::host

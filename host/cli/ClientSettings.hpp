// What `aicore-proxy configure CLIENT` prints: the client's settings for this proxy, ready to
// paste (shell exports, the settings-file block), and what is left to do after `--write`.
#pragma once

#include <iosfwd>
#include <string>

#include "cli/ConfigureTarget.hpp"

namespace aicore::host {

// Which proxy, model and models, and the notes (no key known, ...), as shell comments.
void render_header(std::ostream& out, ClientKind client, const ConfigureTarget& t);

// The whole answer (the header included) without --write.
std::string render_client_settings(ClientKind client, const ConfigureTarget& t);

// After --write: what the settings file does not hold (the exports of the key, the command to run).
std::string render_after_write(ClientKind client, const ConfigureTarget& t);

// `value` as one shell word: unquoted when plain, else in single quotes.
std::string shell_word(const std::string& value);

}  // namespace aicore::host

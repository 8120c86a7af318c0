// `aicore-proxy configure claude-code|codex|gemini-cli|cline|opencode --config c.json [--model M]
// [--key K] [--write]`: a client's exact settings for this proxy (base URL, key, the models the
// config serves); --write puts them into the client's own settings file after showing the diff.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace aicore::host {

// args: what follows "configure"; home: the folder --write's settings files are under ($HOME).
// Returns the exit status (0; 1: a settings file cannot be read, edited or written; 2: a usage or
// config error, an unknown --model, --write for Cline). The key goes to `out` only, never a log.
int configure_command(const std::vector<std::string>& args, const std::string& home, std::ostream& out,
                      std::ostream& err);

}  // namespace aicore::host

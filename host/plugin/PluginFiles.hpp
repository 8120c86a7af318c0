// Whether a plugin file or folder may be trusted: the host runs a plugin's code with its own
// credentials and secrets, so whoever can write the file (or replace it in its folder) owns the
// proxy. Like sshd's StrictModes, a path writable by group or others, or owned by anyone but the
// service user or root, is refused (plugins.allow_insecure_permissions turns this into a warning
// for development setups).
#pragma once

#include <optional>
#include <string>

namespace aicore::host {

// Why `path` (a plugin file or the plugin folder; symlinks followed) is unsafe to load from, or
// nothing when it is safe.
std::optional<std::string> unsafe_plugin_path(const std::string& path);

}  // namespace aicore::host

// Reading and replacing a client's settings file for `configure --write`: never a half-written
// file (temp file + rename), the previous version kept as FILE.bak, and a symlinked file (a
// dotfiles repository) updated where it points rather than replaced by a plain file.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace aicore::host {

struct SettingsFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The file's bytes; nullopt when it does not exist. Throws SettingsFileError when it exists but
// cannot be read (or is not a regular file).
std::optional<std::string> read_settings_file(const std::string& path);

// Replaces (or creates) `path` with `text`, creating its folder when missing. A previous file is
// first copied to `path`.bak. The new file keeps the previous one's permissions, else gets 0600
// (some settings hold a key). Throws SettingsFileError naming what failed.
void write_settings_file(const std::string& path, const std::string& text);

}  // namespace aicore::host

// Each client's own settings, as `configure` prints them and as `--write` puts them into the
// client's settings file: Claude Code's ~/.claude/settings.json ("env"), Codex CLI's
// ~/.codex/config.toml, Gemini CLI's ~/.gemini/settings.json, opencode's
// ~/.config/opencode/opencode.json. Cline keeps its settings inside VS Code: it has no file here.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/ConfigureTarget.hpp"

namespace aicore::host {

using EnvVars = std::vector<std::pair<std::string, std::string>>;

// The environment variables the client reads (name, value), the key among them.
EnvVars client_env(ClientKind client, const ConfigureTarget& t);

// Codex: the top-level keys (values as TOML text) and the [model_providers.aicore] table's lines.
std::vector<std::pair<std::string, std::string>> codex_top_level(const ConfigureTarget& t);
std::vector<std::string> codex_provider_table(const ConfigureTarget& t);
inline constexpr const char* kCodexTable = "model_providers.aicore";

// Claude Code, Gemini CLI, opencode: the JSON merged into the settings file.
nlohmann::ordered_json settings_patch(ClientKind client, const ConfigureTarget& t);

// The settings file under the home folder ("/.claude/settings.json"); nullopt for Cline.
std::optional<std::string> settings_file(ClientKind client);

// The settings file's new text from its old one (nullopt: none yet); the old text itself when
// nothing changes. Throws JsonSettingsError or TomlEditError when the old one cannot be edited.
std::string updated_settings(ClientKind client, const ConfigureTarget& t, const std::optional<std::string>& old);

}  // namespace aicore::host

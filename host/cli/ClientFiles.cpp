#include "cli/ClientFiles.hpp"

#include "cli/JsonMerge.hpp"
#include "cli/TomlEdit.hpp"

namespace aicore::host {
namespace {

using nlohmann::ordered_json;

// Codex and opencode read the key from this variable, so their files never hold it.
constexpr const char* kKeyVar = "AICORE_PROXY_KEY";

ordered_json claude_patch(const ConfigureTarget& t) {
  ordered_json env = ordered_json::object();
  for (const auto& [name, value] : client_env(ClientKind::ClaudeCode, t))
    // A placeholder in the file would fail every request; a key set there before stays.
    if (name != "ANTHROPIC_AUTH_TOKEN" || t.has_key()) env[name] = value;
  return {{"env", env}};
}

ordered_json gemini_patch(const ConfigureTarget& t) {
  return {{"security", {{"auth", {{"selectedType", "gemini-api-key"}}}}}, {"model", {{"name", t.model}}}};
}

ordered_json opencode_patch(const ConfigureTarget& t) {
  ordered_json models = ordered_json::object();
  for (const auto& m : t.models) models[m] = {{"name", m}};
  ordered_json provider = {
      {"npm", "@ai-sdk/openai-compatible"},
      {"name", "aicore-proxy"},
      {"options", {{"baseURL", t.base_url + "/v1"}, {"apiKey", std::string("{env:") + kKeyVar + "}"}}},
      {"models", models}};
  return {{"$schema", "https://opencode.ai/config.json"},
          {"provider", {{"aicore", provider}}},
          {"model", "aicore/" + t.model}};
}

}  // namespace

EnvVars client_env(ClientKind client, const ConfigureTarget& t) {
  switch (client) {
    case ClientKind::ClaudeCode: {
      EnvVars env = {{"ANTHROPIC_BASE_URL", t.base_url},
                     {"ANTHROPIC_AUTH_TOKEN", t.key},
                     {"ANTHROPIC_MODEL", t.model},
                     {"ANTHROPIC_DEFAULT_SONNET_MODEL", t.sonnet_model},
                     {"ANTHROPIC_DEFAULT_HAIKU_MODEL", t.haiku_model}};
      if (!t.opus_model.empty()) env.emplace_back("ANTHROPIC_DEFAULT_OPUS_MODEL", t.opus_model);
      env.emplace_back("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
      return env;
    }
    case ClientKind::GeminiCli: return {{"GOOGLE_GEMINI_BASE_URL", t.base_url}, {"GEMINI_API_KEY", t.key}};
    case ClientKind::Codex:
    case ClientKind::OpenCode: return {{kKeyVar, t.key}};
    case ClientKind::Cline: return {};
  }
  return {};
}

std::vector<std::pair<std::string, std::string>> codex_top_level(const ConfigureTarget& t) {
  return {{"model", toml_string(t.model)}, {"model_provider", toml_string("aicore")}};
}

std::vector<std::string> codex_provider_table(const ConfigureTarget& t) {
  return {"name = " + toml_string("aicore-proxy"), "base_url = " + toml_string(t.base_url + "/v1"),
          "env_key = " + toml_string(kKeyVar), "wire_api = " + toml_string("responses")};
}

ordered_json settings_patch(ClientKind client, const ConfigureTarget& t) {
  switch (client) {
    case ClientKind::ClaudeCode: return claude_patch(t);
    case ClientKind::GeminiCli: return gemini_patch(t);
    case ClientKind::OpenCode: return opencode_patch(t);
    default: return ordered_json::object();
  }
}

std::optional<std::string> settings_file(ClientKind client) {
  switch (client) {
    case ClientKind::ClaudeCode: return "/.claude/settings.json";
    case ClientKind::Codex: return "/.codex/config.toml";
    case ClientKind::GeminiCli: return "/.gemini/settings.json";
    case ClientKind::OpenCode: return "/.config/opencode/opencode.json";
    case ClientKind::Cline: return std::nullopt;
  }
  return std::nullopt;
}

std::string updated_settings(ClientKind client, const ConfigureTarget& t, const std::optional<std::string>& old) {
  if (client == ClientKind::Codex)
    return toml_edit(old.value_or(""), codex_top_level(t), kCodexTable, codex_provider_table(t));
  // opencode's provider entry is wholly ours: models this config no longer serves must go.
  const std::vector<std::vector<std::string>> replaced =
      client == ClientKind::OpenCode ? std::vector<std::vector<std::string>>{{"provider", "aicore"}}
                                     : std::vector<std::vector<std::string>>{};
  return merge_settings_json(old, settings_patch(client, t), replaced);
}

}  // namespace aicore::host

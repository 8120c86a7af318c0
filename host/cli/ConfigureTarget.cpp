#include "cli/ConfigureTarget.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <functional>
#include <utility>

namespace aicore::host {
namespace {

// Any of these in the config's host means "every interface"; a client connects to loopback.
bool wildcard_host(const std::string& h) { return h.empty() || h == "0.0.0.0" || h == "::" || h == "[::]" || h == "*"; }

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// Embedding models cannot drive a chat client, so they are never the default.
bool chat_model(const std::string& m) { return !contains(m, "embed"); }

// The first model satisfying each preference in turn; the first chat model when none does.
std::string pick(const std::vector<std::string>& models,
                 const std::vector<std::function<bool(const std::string&)>>& preferences) {
  for (const auto& prefer : preferences)
    for (const auto& m : models)
      if (chat_model(m) && prefer(m)) return m;
  for (const auto& m : models)
    if (chat_model(m)) return m;
  return models.empty() ? "" : models.front();
}

std::string default_model(const std::vector<std::string>& models, ClientKind client) {
  const auto claude = [](const std::string& m) { return is_claude_model(m); };
  switch (client) {
    case ClientKind::ClaudeCode:
      return pick(models, {[&](const std::string& m) { return claude(m) && contains(m, "sonnet"); },
                           [&](const std::string& m) { return claude(m) && !contains(m, "haiku"); }, claude});
    case ClientKind::Codex: return pick(models, {[](const std::string& m) { return m.starts_with("gpt"); }});
    case ClientKind::GeminiCli: return pick(models, {[](const std::string& m) { return m.starts_with("gemini"); }});
    default: return pick(models, {});
  }
}

// The first model of a Claude family ("sonnet", "haiku", "opus"), or "".
std::string claude_family(const std::vector<std::string>& models, const char* family) {
  for (const auto& m : models)
    if (is_claude_model(m) && contains(m, family)) return m;
  return "";
}

// The first entry of secret_authentication_tokens, or "". The config has already been validated.
std::string first_plaintext_token(const std::string& raw_config_json) {
  const auto root = nlohmann::json::parse(raw_config_json, nullptr, false);
  if (!root.is_object() || !root.contains("secret_authentication_tokens")) return "";
  const auto& tokens = root["secret_authentication_tokens"];
  return tokens.is_array() && !tokens.empty() && tokens[0].is_string() ? tokens[0].get<std::string>() : "";
}

// The key to print and what to say about it; `entry`: the config's entry for --key, if it has one.
std::string choose_key(const Config& config, const std::string& raw_config_json, const std::optional<std::string>& key,
                       std::vector<std::string>& notes, const ClientKey*& entry) {
  if (key) {
    const std::string digest = sha256_hex(*key);
    for (const auto& k : config.client_keys)
      if (k.sha256 == digest) entry = &k;
    if (!config.client_keys.empty() && !entry)
      notes.emplace_back("--key is not one of this config's keys: the proxy will answer 401 until it is added");
    if (entry && !entry->enabled)
      notes.push_back("--key is the config's key " + entry->name + ", which is disabled: the proxy will answer 401");
    return *key;
  }
  if (std::string token = first_plaintext_token(raw_config_json); !token.empty()) return token;
  if (config.client_keys.empty()) {
    notes.emplace_back(
        "this config has no client keys, so the proxy takes any key; clients still want one to send, so this is "
        "a made-up one");
    return "no-key-needed";
  }
  notes.emplace_back(
      "this config keeps no key in plaintext (client_keys hold only SHA-256 digests): pass your key with --key, or "
      "make one with `aicore-proxy keys new --name NAME`");
  return kKeyPlaceholder;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

bool ConfigureTarget::has_key() const { return key != kKeyPlaceholder; }

std::optional<ClientKind> client_kind(const std::string& name) {
  static const std::array<std::pair<const char*, ClientKind>, 5> kNames = {{{"claude-code", ClientKind::ClaudeCode},
                                                                            {"codex", ClientKind::Codex},
                                                                            {"gemini-cli", ClientKind::GeminiCli},
                                                                            {"cline", ClientKind::Cline},
                                                                            {"opencode", ClientKind::OpenCode}}};
  for (const auto& [n, kind] : kNames)
    if (name == n) return kind;
  return std::nullopt;
}

const char* client_name(ClientKind c) {
  switch (c) {
    case ClientKind::ClaudeCode: return "claude-code";
    case ClientKind::Codex: return "codex";
    case ClientKind::GeminiCli: return "gemini-cli";
    case ClientKind::Cline: return "cline";
    case ClientKind::OpenCode: return "opencode";
  }
  return "?";
}

std::string client_base_url(const Config& config) {
  std::string host = wildcard_host(config.host) ? "127.0.0.1" : config.host;
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  const bool tls = !config.server.tls_cert_file.empty();
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(config.port);
}

bool is_claude_model(const std::string& model) {
  return model.starts_with("anthropic--") || model.starts_with("claude") || contains(model, "sonnet") ||
         contains(model, "opus") || contains(model, "haiku");
}

ConfigureTarget make_target(const Config& config, const std::string& raw_config_json, ClientKind client,
                            const std::optional<std::string>& key, const std::optional<std::string>& model) {
  ConfigureTarget t;
  t.base_url = client_base_url(config);
  const ClientKey* entry = nullptr;
  t.key = choose_key(config, raw_config_json, key, t.notes, entry);
  if (!config.server.tls_cert_file.empty())
    t.notes.emplace_back(
        "the proxy speaks https here: clients must trust its certificate (for a private CA, "
        "Node-based clients such as Claude Code and Gemini CLI read NODE_EXTRA_CA_CERTS)");
  std::vector<std::string> all = config.model_keys();
  for (const auto& [alias, target] : config.model_aliases) all.push_back(alias);
  // A key with an allow-list may use only those models; offering others would end in 403s.
  std::copy_if(all.begin(), all.end(), std::back_inserter(t.models),
               [&](const std::string& m) { return !entry || entry->allows(m); });
  if (model) {
    if (std::find(t.models.begin(), t.models.end(), *model) == t.models.end())
      throw UnknownModelError("--model " + *model + " is not one this config serves" +
                              (entry && all.size() != t.models.size() ? " to this key" : "") +
                              "; it serves: " + (t.models.empty() ? "(none)" : joined(t.models)));
    t.model = *model;
  } else {
    t.model = default_model(t.models, client);
  }
  if (client == ClientKind::ClaudeCode) {
    const std::string sonnet = claude_family(t.models, "sonnet");
    const std::string haiku = claude_family(t.models, "haiku");
    // Claude Code calls its haiku model for background work: with none here, the main model does it.
    t.sonnet_model = sonnet.empty() ? t.model : sonnet;
    t.haiku_model = haiku.empty() ? t.model : haiku;
    t.opus_model = claude_family(t.models, "opus");
  }
  return t;
}

}  // namespace aicore::host

// What `aicore-proxy configure` tells a client, whatever the client: where the proxy listens, the
// key to send and the model names the config serves. Derived from a loaded Config.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/Config.hpp"

namespace aicore::host {

enum class ClientKind { ClaudeCode, Codex, GeminiCli, Cline, OpenCode };

// "claude-code" -> ClaudeCode, ...; nullopt for any other name.
std::optional<ClientKind> client_kind(const std::string& name);
const char* client_name(ClientKind c);

struct ConfigureTarget {
  std::string base_url;             // "http://127.0.0.1:3001", no trailing slash
  std::string key;                  // the key to print; kKeyPlaceholder when the config holds none in plaintext
  std::vector<std::string> notes;   // what the user should know (no key found, a key the config lacks)
  std::vector<std::string> models;  // model keys, then model_aliases, as the key may use them
  std::string model;                // the one the client starts with
  std::string sonnet_model;         // claude-code's /model sonnet ("" none)
  std::string haiku_model;          // claude-code's background model ("" none)
  std::string opus_model;           // claude-code's /model opus ("" none)
  bool has_key() const;
};

inline constexpr const char* kKeyPlaceholder = "<your client key>";

// A --model the config does not serve; what() names the ones it does.
struct UnknownModelError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// The base URL a client on this machine reaches the listener at: a wildcard host (0.0.0.0, ::)
// becomes 127.0.0.1, an IPv6 literal gets brackets, https when the listener has a certificate.
std::string client_base_url(const Config& config);

// Whether the proxy's claude plugin serves `model` (the rule in docs/claude.md).
bool is_claude_model(const std::string& model);

// raw_config_json: the config file's text, for its first secret_authentication_tokens entry (the
// loaded Config cannot tell those from client_keys entries, whose plaintext must never be shown).
ConfigureTarget make_target(const Config& config, const std::string& raw_config_json, ClientKind client,
                            const std::optional<std::string>& key, const std::optional<std::string>& model);

}  // namespace aicore::host

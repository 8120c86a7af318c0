#include "cli/ClientSettings.hpp"

#include <sstream>

#include "cli/ClientFiles.hpp"

namespace aicore::host {
namespace {

const char* display_name(ClientKind c) {
  switch (c) {
    case ClientKind::ClaudeCode: return "Claude Code";
    case ClientKind::Codex: return "Codex CLI";
    case ClientKind::GeminiCli: return "Gemini CLI";
    case ClientKind::Cline: return "Cline";
    case ClientKind::OpenCode: return "opencode";
  }
  return "?";
}

const char* run_command(ClientKind c) {
  switch (c) {
    case ClientKind::ClaudeCode: return "claude                      # or one prompt: claude -p \"explain this repo\"";
    case ClientKind::Codex: return "codex                       # or one prompt: codex exec \"explain this repo\"";
    case ClientKind::GeminiCli: return "gemini                      # or one prompt: gemini -p \"explain this repo\"";
    case ClientKind::OpenCode: return "opencode                    # or one prompt: opencode run \"explain this repo\"";
    case ClientKind::Cline: return "";
  }
  return "";
}

}  // namespace

void render_header(std::ostream& out, ClientKind client, const ConfigureTarget& t) {
  out << "# " << display_name(client) << " -> aicore-proxy at " << t.base_url << ", model " << t.model << "\n";
  std::string models;
  for (const auto& m : t.models) models += (models.empty() ? "" : ", ") + m;
  out << "# models this config serves (pick one with --model): " << (models.empty() ? "(none)" : models) << "\n";
  for (const auto& note : t.notes) out << "# note: " << note << "\n";
  out << "\n";
}

namespace {

// The key as printed: a placeholder stays bare, so pasting it fails loudly instead of sending it.
std::string key_word(const std::string& value) { return value == kKeyPlaceholder ? value : shell_word(value); }

void exports(std::ostream& out, ClientKind client, const ConfigureTarget& t) {
  for (const auto& [name, value] : client_env(client, t)) out << "export " << name << "=" << key_word(value) << "\n";
}

void codex_block(std::ostream& out, const ConfigureTarget& t) {
  for (const auto& [key, value] : codex_top_level(t)) out << key << " = " << value << "\n";
  out << "\n[" << kCodexTable << "]\n";
  for (const auto& line : codex_provider_table(t)) out << line << "\n";
}

void cline(std::ostream& out, const ConfigureTarget& t) {
  out << "# Cline keeps its settings inside VS Code, not in a file: in the Cline panel, open Settings (the gear),\n"
      << "# then API Configuration, and enter:\n\n"
      << "API Provider:  OpenAI Compatible\n"
      << "Base URL:      " << t.base_url << "/v1\n"
      << "API Key:       " << t.key << "\n"
      << "Model ID:      " << t.model << "\n";
  if (!is_claude_model(t.model)) return;
  out << "\n# or, for Claude's own API (thinking, prompt caching), the Anthropic provider:\n\n"
      << "API Provider:  Anthropic\n"
      << "API Key:       " << t.key << "\n"
      << "Use custom base URL: " << t.base_url << "\n"
      << "Model:         the matching Claude model in Cline's list (the proxy maps Anthropic's ids such as\n"
      << "               claude-sonnet-4-5-20250929 to this config's " << t.model << ")\n";
}

}  // namespace

std::string shell_word(const std::string& value) {
  const bool plain = !value.empty() && value.find_first_not_of(
                                           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                           "0123456789_./:@%+=,-") == std::string::npos;
  if (plain) return value;
  std::string out = "'";
  for (const char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string render_client_settings(ClientKind client, const ConfigureTarget& t) {
  std::ostringstream out;
  render_header(out, client, t);
  switch (client) {
    case ClientKind::ClaudeCode:
      exports(out, client, t);
      out << run_command(client)
          << "\n\n# or run this command again with --write: it puts them in the \"env\" object of\n"
          << "# ~/.claude/settings.json, which Claude Code reads at start.\n";
      break;
    case ClientKind::Codex:
      out << "# ~/.codex/config.toml (top-level keys go above its first [table]):\n\n";
      codex_block(out, t);
      out << "\n# and in the shell that runs Codex:\n\n";
      exports(out, client, t);
      out << run_command(client) << "\n\n# run this command again with --write to edit ~/.codex/config.toml so.\n";
      break;
    case ClientKind::GeminiCli:
    case ClientKind::OpenCode:
      exports(out, client, t);
      out << "\n# "
          << (client == ClientKind::GeminiCli ? "~/.gemini/settings.json" : "~/.config/opencode/opencode.json")
          << " (merged with what it has):\n\n"
          << settings_patch(client, t).dump(2) << "\n\n"
          << run_command(client) << "\n\n# run this command again with --write to merge it into that file.\n";
      break;
    case ClientKind::Cline: cline(out, t); break;
  }
  return out.str();
}

std::string render_after_write(ClientKind client, const ConfigureTarget& t) {
  std::ostringstream out;
  if (client == ClientKind::ClaudeCode) {
    if (!t.has_key())
      out << "\n# the file has no ANTHROPIC_AUTH_TOKEN from this run (no key known): export it, or run again with "
             "--key\nexport ANTHROPIC_AUTH_TOKEN="
          << t.key << "\n";
  } else {
    out << "\n# and in the shell that runs " << display_name(client) << ":\n\n";
    exports(out, client, t);
  }
  out << run_command(client) << "\n";
  return out.str();
}

}  // namespace aicore::host

// `aicore-proxy configure`: the base URL, key and models it derives from a config, and what it
// prints for each client (Claude Code, Codex CLI, Gemini CLI, Cline, opencode).
#include <gtest/gtest.h>

#include <sstream>

#include "cli/ClientFiles.hpp"
#include "cli/ClientSettings.hpp"
#include "cli/ConfigureCommand.hpp"
#include "cli/ConfigureTarget.hpp"
#include "config/Config.hpp"

using namespace aicore::host;

namespace {

std::string config_json(const std::string& models, const std::string& extra) {
  return R"({"subAccounts":{"a":{"service_key":{"clientid":"c","clientsecret":"s","url":"https://x",
    "serviceurls":{"AI_API_URL":"https://y"}},"deployment_models":{)" +
         models + "}}}" + extra + "}";
}

const std::string kModels =
    R"("text-embedding-3-small":["https://y/d/0"],"gpt-5":["https://y/d/1"],"gemini-2.5-pro":["https://y/d/2"],
    "anthropic--claude-4.5-haiku":["https://y/d/3"],"anthropic--claude-4.5-sonnet":["https://y/d/4"])";

struct Fixture {
  std::string raw;
  Config config;
  explicit Fixture(const std::string& extra, const std::string& models = kModels)
      : raw(config_json(models, extra)), config(parse_config(raw, "/tmp")) {}
  ConfigureTarget target(ClientKind c, std::optional<std::string> key = {}, std::optional<std::string> model = {}) {
    return make_target(config, raw, c, key, model);
  }
};

}  // namespace

TEST(Configure, BaseUrlFromHostPortAndTls) {
  Fixture f(R"(,"port":3005,"host":"0.0.0.0")");
  EXPECT_EQ(client_base_url(f.config), "http://127.0.0.1:3005");
  f.config.host = "::";
  EXPECT_EQ(client_base_url(f.config), "http://127.0.0.1:3005");
  f.config.host = "::1";
  EXPECT_EQ(client_base_url(f.config), "http://[::1]:3005");
  f.config.host = "proxy.example.com";
  f.config.server.tls_cert_file = "/etc/cert.pem";
  EXPECT_EQ(client_base_url(f.config), "https://proxy.example.com:3005");
  const auto t = f.target(ClientKind::Codex);
  EXPECT_EQ(t.base_url, "https://proxy.example.com:3005");
  EXPECT_NE(t.notes.back().find("NODE_EXTRA_CA_CERTS"), std::string::npos);
}

TEST(Configure, KeyIsTheFirstPlaintextTokenNeverAClientKeysEntry) {
  const std::string alice = R"("client_keys":[{"name":"alice","key":"alice-plaintext-0123456789"}])";
  Fixture tokens(R"(,"secret_authentication_tokens":["first-token","second-token"],)" + alice);
  EXPECT_EQ(tokens.target(ClientKind::Codex).key, "first-token");
  EXPECT_EQ(tokens.target(ClientKind::Codex, std::string("mine")).key, "mine");
  // client_keys may hold a key in plaintext, but configure never prints one of those.
  Fixture digests("," + alice);
  const auto t = digests.target(ClientKind::Codex);
  EXPECT_EQ(t.key, kKeyPlaceholder);
  EXPECT_FALSE(t.has_key());
  ASSERT_EQ(t.notes.size(), 1u);
  EXPECT_NE(t.notes[0].find("aicore-proxy keys new"), std::string::npos);
  const std::string text = render_client_settings(ClientKind::ClaudeCode, digests.target(ClientKind::ClaudeCode));
  EXPECT_EQ(text.find("alice-plaintext"), std::string::npos);
  EXPECT_NE(text.find("export ANTHROPIC_AUTH_TOKEN=<your client key>\n"), std::string::npos);
  // A --key the config does not know is printed, with a warning.
  EXPECT_NE(digests.target(ClientKind::Codex, std::string("unknown")).notes.at(0).find("401"), std::string::npos);
}

TEST(Configure, ModelsDefaultsAndOverrides) {
  Fixture f(R"(,"secret_authentication_tokens":["k"],"model_aliases":{"sonnet":"anthropic--claude-4.5-sonnet"})");
  const auto claude = f.target(ClientKind::ClaudeCode);
  EXPECT_EQ(claude.models,
            (std::vector<std::string>{"text-embedding-3-small", "gpt-5", "gemini-2.5-pro",
                                      "anthropic--claude-4.5-haiku", "anthropic--claude-4.5-sonnet", "sonnet"}));
  EXPECT_EQ(claude.model, "anthropic--claude-4.5-sonnet");
  EXPECT_EQ(claude.haiku_model, "anthropic--claude-4.5-haiku");
  EXPECT_EQ(f.target(ClientKind::Codex).model, "gpt-5");
  EXPECT_EQ(f.target(ClientKind::GeminiCli).model, "gemini-2.5-pro");
  EXPECT_EQ(f.target(ClientKind::OpenCode).model, "gpt-5");  // the first chat model: embeddings are skipped
  EXPECT_EQ(f.target(ClientKind::Codex, {}, std::string("sonnet")).model, "sonnet");
  try {
    f.target(ClientKind::Codex, {}, std::string("gpt-4o"));
    ADD_FAILURE();
  } catch (const UnknownModelError& e) {
    EXPECT_NE(std::string(e.what()).find("it serves: text-embedding-3-small, gpt-5"), std::string::npos) << e.what();
  }
  // No Claude model: claude-code starts on the first, which also does the background work.
  Fixture gpt(R"(,"secret_authentication_tokens":["k"])", R"("gpt-5":["https://y/d/1"])");
  const auto t = gpt.target(ClientKind::ClaudeCode);
  EXPECT_EQ(t.model, "gpt-5");
  EXPECT_EQ(t.haiku_model, "gpt-5");
  EXPECT_EQ(t.sonnet_model, "gpt-5");
}

TEST(Configure, AKeysAllowListNarrowsTheModels) {
  Fixture f(R"(,"client_keys":[{"name":"bob","key":"bob-plaintext-0123456789","models":["gpt-*"]}])");
  const auto t = f.target(ClientKind::ClaudeCode, std::string("bob-plaintext-0123456789"));
  EXPECT_EQ(t.models, std::vector<std::string>{"gpt-5"});
  EXPECT_EQ(t.model, "gpt-5");
  EXPECT_THROW(f.target(ClientKind::ClaudeCode, std::string("bob-plaintext-0123456789"),
                        std::string("anthropic--claude-4.5-sonnet")),
               UnknownModelError);
}

TEST(Configure, ClaudeCodeExports) {
  Fixture f(R"(,"port":3001,"secret_authentication_tokens":["tok en'1"])");
  const std::string text = render_client_settings(ClientKind::ClaudeCode, f.target(ClientKind::ClaudeCode));
  EXPECT_NE(text.find("export ANTHROPIC_BASE_URL=http://127.0.0.1:3001\n"
                      "export ANTHROPIC_AUTH_TOKEN='tok en'\\''1'\n"
                      "export ANTHROPIC_MODEL=anthropic--claude-4.5-sonnet\n"
                      "export ANTHROPIC_DEFAULT_SONNET_MODEL=anthropic--claude-4.5-sonnet\n"
                      "export ANTHROPIC_DEFAULT_HAIKU_MODEL=anthropic--claude-4.5-haiku\n"
                      "export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1\n"
                      "claude "),
            std::string::npos)
      << text;
  const auto patch = settings_patch(ClientKind::ClaudeCode, f.target(ClientKind::ClaudeCode));
  EXPECT_EQ(patch["env"]["ANTHROPIC_AUTH_TOKEN"], "tok en'1");
  // No key known: the settings file gets no placeholder token.
  Fixture none(R"(,"client_keys":[{"name":"a","key":"sha256:)" + std::string(64, 'a') + R"("}])");
  EXPECT_FALSE(settings_patch(ClientKind::ClaudeCode, none.target(ClientKind::ClaudeCode))["env"].contains(
      "ANTHROPIC_AUTH_TOKEN"));
}

TEST(Configure, CodexBlock) {
  Fixture f(R"(,"port":3001,"secret_authentication_tokens":["k1"])");
  const std::string text = render_client_settings(ClientKind::Codex, f.target(ClientKind::Codex));
  EXPECT_NE(text.find("model = \"gpt-5\"\nmodel_provider = \"aicore\"\n\n[model_providers.aicore]\n"
                      "name = \"aicore-proxy\"\nbase_url = \"http://127.0.0.1:3001/v1\"\n"
                      "env_key = \"AICORE_PROXY_KEY\"\nwire_api = \"responses\"\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("export AICORE_PROXY_KEY=k1\n"), std::string::npos);
}

TEST(Configure, GeminiCliExportsAndSettings) {
  Fixture f(R"(,"port":3001,"secret_authentication_tokens":["k1"])");
  const auto t = f.target(ClientKind::GeminiCli);
  const std::string text = render_client_settings(ClientKind::GeminiCli, t);
  EXPECT_NE(text.find("export GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:3001\nexport GEMINI_API_KEY=k1\n"),
            std::string::npos);
  EXPECT_EQ(settings_patch(ClientKind::GeminiCli, t).dump(),
            R"({"security":{"auth":{"selectedType":"gemini-api-key"}},"model":{"name":"gemini-2.5-pro"}})");
  EXPECT_NE(text.find(settings_patch(ClientKind::GeminiCli, t).dump(2)), std::string::npos);
}

TEST(Configure, OpenCodeProvider) {
  Fixture f(R"(,"port":3001,"secret_authentication_tokens":["k1"])", R"("gpt-5":["https://y/d/1"],
    "anthropic--claude-4.5-sonnet":["https://y/d/4"])");
  EXPECT_EQ(
      settings_patch(ClientKind::OpenCode, f.target(ClientKind::OpenCode)).dump(),
      R"({"$schema":"https://opencode.ai/config.json","provider":{"aicore":{"npm":"@ai-sdk/openai-compatible",)"
      R"("name":"aicore-proxy","options":{"baseURL":"http://127.0.0.1:3001/v1","apiKey":"{env:AICORE_PROXY_KEY}"},)"
      R"("models":{"gpt-5":{"name":"gpt-5"},"anthropic--claude-4.5-sonnet":{"name":"anthropic--claude-4.5-sonnet"}}}},)"
      R"("model":"aicore/gpt-5"})");
}

TEST(Configure, ClineFieldsAndNoWrite) {
  Fixture f(R"(,"port":3001,"secret_authentication_tokens":["k1"])");
  const std::string gpt = render_client_settings(ClientKind::Cline, f.target(ClientKind::Cline));
  EXPECT_NE(gpt.find("API Provider:  OpenAI Compatible\nBase URL:      http://127.0.0.1:3001/v1\n"
                     "API Key:       k1\nModel ID:      gpt-5\n"),
            std::string::npos)
      << gpt;
  EXPECT_EQ(gpt.find("Anthropic"), std::string::npos);
  const std::string claude = render_client_settings(
      ClientKind::Cline, f.target(ClientKind::Cline, {}, std::string("anthropic--claude-4.5-sonnet")));
  EXPECT_NE(claude.find("API Provider:  Anthropic\n"), std::string::npos);
  EXPECT_NE(claude.find("Use custom base URL: http://127.0.0.1:3001\n"), std::string::npos);
  std::ostringstream out, err;
  EXPECT_EQ(configure_command({"cline", "--config", "/nonexistent.json", "--write"}, "/tmp", out, err), 2);
  EXPECT_NE(err.str().find("inside VS Code"), std::string::npos);
}

TEST(Configure, CommandLineErrors) {
  std::ostringstream out, err;
  EXPECT_EQ(configure_command({}, "/tmp", out, err), 2);
  EXPECT_EQ(configure_command({"vim", "--config", "c.json"}, "/tmp", out, err), 2);
  EXPECT_NE(err.str().find("unknown client 'vim'"), std::string::npos);
  EXPECT_EQ(configure_command({"codex"}, "/tmp", out, err), 2);
  EXPECT_NE(err.str().find("--config is required"), std::string::npos);
  EXPECT_EQ(configure_command({"codex", "--config", "/nonexistent.json"}, "/tmp", out, err), 2);
  EXPECT_NE(err.str().find("config error"), std::string::npos);
  EXPECT_EQ(configure_command({"codex", "--config", "c.json", "--write=yes"}, "/tmp", out, err), 2);
  EXPECT_TRUE(out.str().empty());
}

TEST(Configure, ShellWords) {
  EXPECT_EQ(shell_word("aic-AbC_9.x:y@z"), "aic-AbC_9.x:y@z");
  EXPECT_EQ(shell_word("a b"), "'a b'");
  EXPECT_EQ(shell_word("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_word("$HOME"), "'$HOME'");
  EXPECT_EQ(shell_word(""), "''");
}

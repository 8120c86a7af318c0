#include "openai/settings.hpp"

#include <aicore/plugin.hpp>

#include <gtest/gtest.h>

using aicore::PluginError;
using aicore::openai::Settings;

TEST(Settings, DefaultsWhenEmpty) {
  for (const char* text : {"{}", "", "  \n"}) {
    Settings s = Settings::parse(text);
    EXPECT_EQ(s.chat_version("gpt-4o"), "2024-12-01-preview");
    EXPECT_EQ(s.chat_version("o3"), "2024-12-01-preview");
    EXPECT_EQ(s.embeddings_version("text-embedding-3-small"), "2023-05-15");
  }
}

TEST(Settings, OverridesByExactKeyAndLongestPrefix) {
  Settings s = Settings::parse(R"({"api_version": "2024-10-21", "embeddings_api_version": "2024-02-01",
      "api_versions": {"o": "2025-01-01-preview", "o3-mini": "2024-12-01-preview", "gpt-5": "2025-04-01-preview",
                       "text-embedding-3-large": "2024-06-01"}})");
  EXPECT_EQ(s.chat_version("gpt-4o"), "2024-10-21");
  EXPECT_EQ(s.chat_version("o1"), "2025-01-01-preview");
  EXPECT_EQ(s.chat_version("o3-mini"), "2024-12-01-preview");
  EXPECT_EQ(s.chat_version("gpt-5-mini"), "2025-04-01-preview");
  EXPECT_EQ(s.chat_version("azure/gpt-5"), "2025-04-01-preview");      // via the key's candidates
  EXPECT_EQ(s.chat_version("GPT-5-2025-08-07"), "2025-04-01-preview");  // likewise
  EXPECT_EQ(s.embeddings_version("text-embedding-3-small"), "2024-02-01");
  EXPECT_EQ(s.embeddings_version("text-embedding-3-large"), "2024-06-01");
}

namespace {
void expect_config_error(const char* text, const std::string& message) {
  try {
    Settings::parse(text);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_CONFIG) << text;
    EXPECT_EQ(e.message, message) << text;
  }
}
}  // namespace

TEST(Settings, RejectsInvalidSettingsNamingTheField) {
  expect_config_error("{", "settings: invalid JSON");
  expect_config_error("[]", "settings: must be a JSON object");
  expect_config_error(R"({"api_version": 2024})", "api_version: must be a string");
  expect_config_error(R"({"api_version": ""})", "api_version: must not be empty");
  expect_config_error(R"({"api_version": "2024-12-01&x=1"})",
                      "api_version: may contain only letters, digits, '-', '.' and '_'");
  expect_config_error(R"({"embeddings_api_version": null})", "embeddings_api_version: must be a string");
  expect_config_error(R"({"api_versions": ["o1"]})", "api_versions: must be an object of model key -> version");
  expect_config_error(R"({"api_versions": {"o1": 1}})", "api_versions.o1: must be a string");
  expect_config_error(R"({"api_versions": {"": "2024-12-01-preview"}})", "api_versions: model key must not be empty");
  expect_config_error(R"({"api_verison": "2024-12-01-preview"})",
                      "api_verison: unknown setting (known: api_version, embeddings_api_version, api_versions)");
}

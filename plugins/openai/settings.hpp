// The plugin's settings and the api-version each request is sent with.
//
//   {"api_version": "2024-12-01-preview",          default for chat completions
//    "embeddings_api_version": "2023-05-15",       default for embeddings
//    "api_versions": {"o1": "2025-01-01-preview"}} per configured model key or key prefix
//
// Why 2024-12-01-preview for chat: it is what CLINE and LiteLLM send to SAP for every GPT model in
// production, and it is the oldest version with tools, stream_options and max_completion_tokens
// (2023-05-15, SAP's documented default, predates all three).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aicore::openai {

struct Settings {
  std::string chat_api_version = "2024-12-01-preview";
  std::string embeddings_api_version = "2023-05-15";
  // model key or prefix -> api-version, in the order configured.
  std::vector<std::pair<std::string, std::string>> api_versions;

  // Throws PluginError(ACP_ERR_CONFIG, "<field>: <problem>"). Unknown fields are rejected too: a
  // misspelt "api_verison" would otherwise silently send the default version.
  static Settings parse(std::string_view json);

  // The api_versions entry for the configured model key (exact key, else the longest matching
  // prefix, tried for each of the key's candidate names), else the default for the dialect.
  std::string_view chat_version(std::string_view model) const;
  std::string_view embeddings_version(std::string_view model) const;

 private:
  const std::string* override_for(std::string_view model) const;
};

}  // namespace aicore::openai

#include "azure_openai.hpp"

#include "azure_error.hpp"
#include "config.hpp"
#include "exchange.hpp"

#include <utility>

namespace aicore::emulator {

// clang-format off
constexpr std::string_view kApiVersions[] = {
    "2023-05-15", "2024-02-01", "2024-06-01", "2024-10-21",
    "2024-12-01-preview", "2025-01-01-preview", "2025-04-01-preview"};

// Dated names the service reports in "model" for a deployment of each model.
constexpr std::pair<std::string_view, std::string_view> kDatedNames[] = {
    {"gpt-4o", "gpt-4o-2024-08-06"},         {"gpt-4o-mini", "gpt-4o-mini-2024-07-18"},
    {"gpt-4.1", "gpt-4.1-2025-04-14"},       {"gpt-4.1-mini", "gpt-4.1-mini-2025-04-14"},
    {"gpt-4.1-nano", "gpt-4.1-nano-2025-04-14"},
    {"gpt-5", "gpt-5-2025-08-07"},           {"gpt-5-mini", "gpt-5-mini-2025-08-07"},
    {"gpt-5-nano", "gpt-5-nano-2025-08-07"},
    {"o1", "o1-2024-12-17"},                 {"o3", "o3-2025-04-16"},
    {"o3-mini", "o3-mini-2025-01-31"},       {"o4-mini", "o4-mini-2025-04-16"}};
// clang-format on

static std::string supportedVersions() {
  std::string out;
  for (auto v : kApiVersions) out.append(out.empty() ? "" : ", ").append(v);
  return out;
}

void checkApiVersion(const Exchange& ex) {
  auto v = ex.queryParam("api-version");
  if (!v || v->empty())
    azureFail("Missing required query parameter 'api-version'. Supported versions: " + supportedVersions() + ".",
              std::nullopt, "missing_api_version");
  for (auto s : kApiVersions)
    if (*v == s) return;
  azureFail("Unsupported api-version '" + *v + "'. Supported versions: " + supportedVersions() + ".", std::nullopt,
            "unsupported_api_version");
}

bool isReasoningModel(std::string_view m) {
  return m.starts_with("o1") || m.starts_with("o3") || m.starts_with("o4") || m.starts_with("gpt-5");
}

bool isEmbeddingModel(std::string_view m) {
  return m.find("embedding") != std::string_view::npos || m.starts_with("ada");
}

std::string datedModelName(const Deployment& d) {
  if (!d.modelVersion.empty()) return d.modelVersion;
  for (const auto& [name, dated] : kDatedNames)
    if (d.model == name) return std::string(dated);
  return d.model;
}

// Suffix matchers for the routes.
static bool isChatPath(std::string_view s) { return s == "/chat/completions"; }
static bool isEmbeddingsPath(std::string_view s) { return s == "/embeddings"; }

RouteList azureOpenAIRoutes() {
  return {
      {"azure-openai", "POST", &isChatPath, &handleAzureChat},
      {"azure-openai", "POST", &isEmbeddingsPath, &handleAzureEmbeddings},
  };
}

}  // namespace aicore::emulator

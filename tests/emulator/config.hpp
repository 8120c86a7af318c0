#pragma once
// The emulated landscape: which clients may get tokens, which resource groups and deployments
// exist. Read once at start-up and immutable afterwards, so handlers read it without locks
// (the deployments tests change at run time live in DeploymentStore, seeded from here).
#include "json.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aicore::emulator {

struct Client {
  std::string id;
  std::string secret;         // empty: no client-secret grant (an X.509-only client)
  std::string certificateCn;  // the CN of the certificate an X.509 client presents on the mTLS listener
};

struct Deployment {
  std::string id;
  std::string executable;          // "azure-openai", later "aws-bedrock", "gcp-vertexai"
  std::string model;               // e.g. "gpt-4o"
  std::string modelVersion;        // optional override of the dated name answered in "model"
  int dimensions = 0;              // embedding models: full vector size
  int64_t contextWindow = 0;       // "context_window": most prompt tokens accepted; 0 = unlimited
  std::string status = "RUNNING";  // as the deployment list reports it (only RUNNING ones serve)
  Json raw;                        // the whole entry, so a family can read its own extra settings

  // Each family answers its vendor's "prompt too long" 400 when its prompt estimate is above this.
  bool exceedsContextWindow(int64_t promptTokens) const { return contextWindow > 0 && promptTokens > contextWindow; }
};

struct Config {
  std::vector<Client> clients;
  int tokenTtlSeconds = 3600;
  std::vector<std::string> resourceGroups;
  std::unordered_map<std::string, Deployment> deployments;

  const Client* findClient(std::string_view id) const;
  const Deployment* findDeployment(const std::string& id) const;
  bool hasResourceGroup(std::string_view rg) const;
};

// Throws std::runtime_error with a readable message on a bad config.
Config parseConfig(const std::string& text);
// One "deployments" entry (also what POST /_emulator/deployments takes); throws like parseConfig.
Deployment parseDeployment(const std::string& id, const Json& entry);
// RUNNING, PENDING, STOPPING, STOPPED, DEAD, UNKNOWN or COMPLETED (SAP AI Core's statuses).
bool isDeploymentStatus(std::string_view status);
// Empty path = the built-in default (tests/emulator/default-config.json, embedded at build time).
Config loadConfig(const std::string& path);

extern const char* const kDefaultConfigJson;

}  // namespace aicore::emulator

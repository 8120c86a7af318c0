#include "config.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace aicore::emulator {

const Client* Config::findClient(std::string_view id) const {
  for (const auto& c : clients)
    if (c.id == id) return &c;
  return nullptr;
}

const Deployment* Config::findDeployment(const std::string& id) const {
  auto it = deployments.find(id);
  return it == deployments.end() ? nullptr : &it->second;
}

bool Config::hasResourceGroup(std::string_view rg) const {
  for (const auto& r : resourceGroups)
    if (r == rg) return true;
  return false;
}

[[noreturn]] static void bad(const std::string& what) { throw std::runtime_error("config: " + what); }

static std::string requireString(const Json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string() || it->get<std::string>().empty())
    bad(where + "." + key + " must be a non-empty string");
  return it->get<std::string>();
}

static int defaultDimensions(const std::string& model) {
  return model.find("3-large") != std::string::npos ? 3072 : 1536;
}

Deployment parseDeployment(const std::string& id, const Json& e) {
  if (id.empty() || id.find('/') != std::string::npos) bad("deployment ids must be non-empty and without '/'");
  if (!e.is_object()) bad("deployments." + id + " must be an object");
  Deployment d;
  d.id = id;
  d.executable = requireString(e, "executable", "deployments." + id);
  d.model = requireString(e, "model", "deployments." + id);
  if (e.contains("model_version")) d.modelVersion = requireString(e, "model_version", "deployments." + id);
  if (e.contains("dimensions")) {
    if (!e["dimensions"].is_number_integer() || e["dimensions"].get<long long>() <= 0)
      bad("deployments." + id + ".dimensions must be a positive integer");
    d.dimensions = e["dimensions"].get<int>();
  } else {
    d.dimensions = defaultDimensions(d.model);
  }
  if (e.contains("context_window")) {
    if (!e["context_window"].is_number_integer() || e["context_window"].get<long long>() <= 0)
      bad("deployments." + id + ".context_window must be a positive integer");
    d.contextWindow = e["context_window"].get<int64_t>();
  }
  if (e.contains("status")) {
    d.status = requireString(e, "status", "deployments." + id);
    if (!isDeploymentStatus(d.status)) bad("deployments." + id + ".status is not a deployment status");
  }
  d.raw = e;
  return d;
}

bool isDeploymentStatus(std::string_view s) {
  for (const char* known : {"RUNNING", "PENDING", "STOPPING", "STOPPED", "DEAD", "UNKNOWN", "COMPLETED"})
    if (s == known) return true;
  return false;
}

Config parseConfig(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) bad("not a JSON object");
  // Unknown top-level keys are rejected so a typo does not silently fall back to defaults.
  for (const auto& [key, _] : j.items())
    if (key != "clients" && key != "token_ttl_seconds" && key != "resource_groups" && key != "deployments")
      bad("unknown key '" + key + "'");

  Config c;
  if (j.contains("clients")) {
    if (!j["clients"].is_array()) bad("clients must be an array");
    for (const auto& e : j["clients"]) {
      if (!e.is_object()) bad("clients[] entries must be objects");
      // An X.509 client (certificate_cn) may have no secret; every other client needs one.
      Client client{requireString(e, "clientid", "clients[]"), {}, {}};
      if (e.contains("certificate_cn")) client.certificateCn = requireString(e, "certificate_cn", "clients[]");
      if (e.contains("clientsecret") || client.certificateCn.empty())
        client.secret = requireString(e, "clientsecret", "clients[]");
      for (const auto& [key, _] : e.items())
        if (key != "clientid" && key != "clientsecret" && key != "certificate_cn")
          bad("clients[]: unknown key '" + key + "'");
      c.clients.push_back(std::move(client));
    }
  }
  if (j.contains("token_ttl_seconds")) {
    if (!j["token_ttl_seconds"].is_number_integer() || j["token_ttl_seconds"].get<long long>() <= 0)
      bad("token_ttl_seconds must be a positive integer");
    c.tokenTtlSeconds = j["token_ttl_seconds"].get<int>();
  }
  if (j.contains("resource_groups")) {
    if (!j["resource_groups"].is_array()) bad("resource_groups must be an array");
    for (const auto& e : j["resource_groups"]) {
      if (!e.is_string()) bad("resource_groups[] entries must be strings");
      c.resourceGroups.push_back(e.get<std::string>());
    }
  } else {
    c.resourceGroups.push_back("default");
  }
  if (j.contains("deployments")) {
    if (!j["deployments"].is_object()) bad("deployments must be an object keyed by deployment id");
    for (const auto& [id, e] : j["deployments"].items()) {
      Deployment d = parseDeployment(id, e);
      c.deployments.emplace(id, std::move(d));
    }
  }
  return c;
}

Config loadConfig(const std::string& path) {
  if (path.empty()) return parseConfig(kDefaultConfigJson);
  std::ifstream in(path);
  if (!in) throw std::runtime_error("config: cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parseConfig(ss.str());
}

}  // namespace aicore::emulator

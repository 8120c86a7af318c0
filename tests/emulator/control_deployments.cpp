// /_emulator/deployments: tests change the landscape at run time, to see a client that lists
// deployments notice one leaving and one joining.
//   GET    /_emulator/deployments            every deployment with its status
//   POST   /_emulator/deployments            {"id", "executable", "model", ...}: add (or replace)
//   PATCH  /_emulator/deployments/{id}       {"status": "STOPPED"}: change its status
//   DELETE /_emulator/deployments/{id}       remove it
#include "emulator.hpp"
#include "exchange.hpp"
#include "handlers.hpp"

#include <stdexcept>

namespace aicore::emulator {

namespace {

constexpr std::string_view kPrefix = "/_emulator/deployments";

Json listing(const Emulator& emu) {
  Json out = Json::array();
  for (const auto& s : emu.deployments.list())
    out.push_back(Json{{"id", s.deployment->id},
                       {"model", s.deployment->model},
                       {"executable", s.deployment->executable},
                       {"status", s.deployment->status},
                       {"createdAt", s.createdAt}});
  return out;
}

void add(Exchange& ex) {
  Json body = Json::parse(ex.body(), nullptr, false);
  if (!body.is_object() || !body.contains("id") || !body["id"].is_string())
    return ex.sendJson(400, Json{{"error", "body must be a deployment object with a string \"id\""}});
  const std::string id = body["id"].get<std::string>();
  body.erase("id");
  try {
    ex.emu.deployments.put(parseDeployment(id, body));
  } catch (const std::runtime_error& e) { return ex.sendJson(400, Json{{"error", e.what()}}); }
  ex.sendJson(200, Json{{"deployments", listing(ex.emu)}});
}

void changeOne(Exchange& ex, const std::string& id) {
  if (ex.method() == "DELETE") {
    if (!ex.emu.deployments.remove(id)) return ex.sendJson(404, Json{{"error", "no deployment " + id}});
    return ex.sendJson(200, Json{{"deployments", listing(ex.emu)}});
  }
  if (ex.method() != "PATCH")
    return ex.sendJson(405, Json{{"error", "method not allowed; use PATCH, DELETE"}}, {{"Allow", "PATCH, DELETE"}});
  const Json body = Json::parse(ex.body(), nullptr, false);
  if (!body.is_object() || !body.contains("status") || !body["status"].is_string() ||
      !isDeploymentStatus(body["status"].get<std::string>()))
    return ex.sendJson(
        400, Json{{"error", "body must be {\"status\": RUNNING|PENDING|STOPPING|STOPPED|DEAD|UNKNOWN|COMPLETED}"}});
  if (!ex.emu.deployments.setStatus(id, body["status"].get<std::string>()))
    return ex.sendJson(404, Json{{"error", "no deployment " + id}});
  ex.sendJson(200, Json{{"deployments", listing(ex.emu)}});
}

}  // namespace

void handleControlDeployments(Exchange& ex) {
  const std::string& p = ex.path();
  if (p == kPrefix) {
    if (ex.method() == "GET") return ex.sendJson(200, listing(ex.emu));
    if (ex.method() == "POST") return add(ex);
    return ex.sendJson(405, Json{{"error", "method not allowed; use GET, POST"}}, {{"Allow", "GET, POST"}});
  }
  changeOne(ex, p.substr(kPrefix.size() + 1));
}

}  // namespace aicore::emulator

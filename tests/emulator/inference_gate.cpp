// /v2/inference/*: the checks SAP AI Core makes before a model sees a request, in its order:
// bearer token (401) → AI-Resource-Group header (400) → resource group exists (404) →
// deployment exists (404) → a route of the deployment's executable serves the path (404/405).
// Then queued faults and --latency-ms apply, and the family route answers.
#include "config.hpp"
#include "emulator.hpp"
#include "exchange.hpp"
#include "family.hpp"
#include "fault_injection.hpp"
#include "handlers.hpp"
#include "text.hpp"

#include <chrono>
#include <thread>

namespace aicore::emulator {

namespace {

constexpr std::string_view kDeploymentsPrefix = "/v2/inference/deployments/";
constexpr std::string_view kNotFound = R"({"error":{"code":"404","message":"Resource not found"}})";

// Answers 401 and says the request may not go on.
bool unauthorized(Exchange& ex, const char* message) {
  // Envoy-style wording; clients key on the status, WL additionally clears its token cache.
  ex.sendJson(401, Json{{"error", {{"code", "401"}, {"message", message}}}});
  return false;
}

}  // namespace

bool checkAiApiAccess(Exchange& ex) {
  auto auth = ex.header("Authorization");
  if (!auth) return unauthorized(ex, "Jwt is missing");
  if (auth->size() < 7 || !iequals(std::string_view(*auth).substr(0, 7), "Bearer "))
    return unauthorized(ex, "Jwt verification fails");
  switch (ex.emu.tokens.check(auth->substr(7), &ex.clientId)) {
    case TokenStore::Check::Valid: break;
    case TokenStore::Check::Expired: return unauthorized(ex, "Jwt is expired");
    case TokenStore::Check::Unknown: return unauthorized(ex, "Jwt verification fails");
  }
  auto rg = ex.header("AI-Resource-Group");
  if (!rg || rg->empty()) {
    ex.sendJson(400, R"({"error":{"code":"400","message":"Missing header parameter 'AI-Resource-Group'"}})");
    return false;
  }
  if (!ex.emu.config.hasResourceGroup(*rg)) {
    ex.sendJson(404, kNotFound);
    return false;
  }
  return true;
}

void handleInference(Exchange& ex) {
  // Note the deployment before any check so the request log and stats attribute even rejected calls.
  std::string_view path = ex.path();
  std::string_view suffix;
  if (path.starts_with(kDeploymentsPrefix)) {
    std::string_view rest = path.substr(kDeploymentsPrefix.size());
    size_t slash = rest.find('/');
    ex.deploymentId = std::string(rest.substr(0, slash));
    if (slash != std::string_view::npos) suffix = rest.substr(slash);
  }

  if (!checkAiApiAccess(ex)) return;

  const std::shared_ptr<const Deployment> dep =
      ex.deploymentId.empty() ? nullptr : ex.emu.deployments.running(ex.deploymentId);
  if (!dep) return ex.sendJson(404, kNotFound);

  const FamilyRoute* route = nullptr;
  bool otherMethod = false;
  for (const FamilyRoute& r : familyRoutes()) {
    if (dep->executable != r.executable || !r.matches(suffix)) continue;
    if (ex.method() == r.method) {
      route = &r;
      break;
    }
    otherMethod = true;
  }
  if (!route) {
    if (otherMethod) return ex.sendJson(405, R"({"error":{"code":"405","message":"Method Not Allowed"}})");
    return ex.sendJson(404, kNotFound);
  }

  if (applyFault(ex, dep->id, false, dep->executable, suffix)) return;
  if (int ms = ex.emu.options.latencyMs; ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));

  InferenceCall call{ex, *dep, suffix};  // `dep` keeps a deployment removed meanwhile alive
  route->handle(call);
}

}  // namespace aicore::emulator

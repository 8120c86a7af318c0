// GET /v2/lm/deployments: the AI API's deployment list (reference §2, "Deployment list"), as
// strict as the service: the bearer token and AI-Resource-Group checks of inference, then
// `$top` (0-10000, default 10000), `$skip`, and the `status`, `scenarioId` and `executableIds`
// filters; `count` is every deployment the filters let through, `resources` one page of them.
#include "deployment_store.hpp"
#include "emulator.hpp"
#include "exchange.hpp"
#include "fault_injection.hpp"
#include "handlers.hpp"
#include "text.hpp"

#include <charconv>
#include <optional>

namespace aicore::emulator {

namespace {

constexpr long long kMaxTop = 10000;

struct ListQuery {
  long long top = kMaxTop;
  long long skip = 0;
  std::optional<std::string> status;
  std::optional<std::string> scenario;
  std::optional<std::string> executables;  // comma-separated
};

void badRequest(Exchange& ex, const std::string& message) {
  ex.sendJson(400, Json{{"error", {{"code", "400"}, {"message", message}}}});
}

std::optional<long long> nonNegative(const std::string& v, long long max) {
  long long n = -1;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > max) return std::nullopt;
  return n;
}

// The query, or nullopt after answering 400 for what SAP would refuse.
std::optional<ListQuery> readQuery(Exchange& ex) {
  ListQuery q;
  for (const auto& [k, v] : parseUrlEncoded(ex.rawQuery())) {
    if (k == "$top" || k == "$skip") {
      auto n = nonNegative(v, k == "$top" ? kMaxTop : (1LL << 40));
      if (!n) {
        badRequest(ex, "Invalid value '" + v + "' for query parameter '" + k + "'" +
                           (k == "$top" ? " (an integer from 0 to 10000)" : " (a non-negative integer)"));
        return std::nullopt;
      }
      (k == "$top" ? q.top : q.skip) = *n;
    } else if (k == "status") {
      if (!isDeploymentStatus(v)) {
        badRequest(ex, "Invalid value '" + v + "' for query parameter 'status'");
        return std::nullopt;
      }
      q.status = v;
    } else if (k == "scenarioId") {
      q.scenario = v;
    } else if (k == "executableIds") {
      q.executables = "," + v + ",";
    } else {
      badRequest(ex, "Unknown query parameter '" + k + "'");
      return std::nullopt;
    }
  }
  return q;
}

Json resourceJson(const DeploymentState& s, const std::string& base) {
  const Deployment& d = *s.deployment;
  const std::string version = d.modelVersion.empty() ? "latest" : d.modelVersion;
  return Json{
      {"id", d.id},
      {"deploymentUrl", d.status == "RUNNING" ? base + "/v2/inference/deployments/" + d.id : ""},
      {"configurationId", "cfg-" + d.id},
      {"configurationName", d.model + "-config"},
      {"executableId", d.executable},
      {"scenarioId", "foundation-models"},
      {"status", d.status},
      {"targetStatus", targetStatusOf(d.status)},
      {"createdAt", s.createdAt},
      {"modifiedAt", s.createdAt},
      {"details", {{"resources", {{"backend_details", {{"model", {{"name", d.model}, {"version", version}}}}}}}}}};
}

bool passes(const ListQuery& q, const DeploymentState& s) {
  const Deployment& d = *s.deployment;
  if (q.status && d.status != *q.status) return false;
  if (q.scenario && *q.scenario != "foundation-models") return false;
  return !q.executables || q.executables->find("," + d.executable + ",") != std::string::npos;
}

}  // namespace

void handleDeploymentList(Exchange& ex) {
  if (!checkAiApiAccess(ex)) return;
  if (ex.method() != "GET")
    return ex.sendJson(405, R"({"error":{"code":"405","message":"Method Not Allowed"}})", {{"Allow", "GET"}});
  if (applyFault(ex, kDeploymentListFault, false)) return;
  const std::optional<ListQuery> q = readQuery(ex);
  if (!q) return;
  const std::string base = "http://" + ex.header("Host").value_or("127.0.0.1");
  Json resources = Json::array();
  long long count = 0;
  for (const auto& s : ex.emu.deployments.list()) {
    if (!passes(*q, s)) continue;
    if (count >= q->skip && count < q->skip + q->top) resources.push_back(resourceJson(s, base));
    ++count;
  }
  ex.sendJson(200, Json{{"count", count}, {"resources", std::move(resources)}});
}

}  // namespace aicore::emulator

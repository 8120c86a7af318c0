// /_emulator/*: how tests steer and observe the emulator. No auth, JSON in and out.
#include "emulator.hpp"
#include "exchange.hpp"
#include "handlers.hpp"

#include <stdexcept>

namespace aicore::emulator {

namespace {

void methodNotAllowed(Exchange& ex, const char* allow) {
  ex.sendJson(405, Json{{"error", std::string("method not allowed; use ") + allow}}, {{"Allow", allow}});
}

void faults(Exchange& ex) {
  const std::string& m = ex.method();
  if (m == "POST") {
    Json body = Json::parse(ex.body(), nullptr, false);
    if (body.is_discarded()) return ex.sendJson(400, Json{{"error", "body is not valid JSON"}});
    try {
      Fault f = parseFault(body);
      Json echo = faultToJson(f);
      ex.emu.faults.add(std::move(f));
      ex.sendJson(200, Json{{"queued", echo}, {"pending", ex.emu.faults.list()}});
    } catch (const std::invalid_argument& e) { ex.sendJson(400, Json{{"error", e.what()}}); }
  } else if (m == "GET") {
    ex.sendJson(200, ex.emu.faults.list());
  } else if (m == "DELETE") {
    ex.sendJson(200, Json{{"cleared", ex.emu.faults.clear()}});
  } else {
    methodNotAllowed(ex, "GET, POST, DELETE");
  }
}

void requests(Exchange& ex) {
  if (ex.method() == "GET") {
    ex.sendJson(200, ex.emu.log.list(ex.queryParam("deployment")));
  } else if (ex.method() == "DELETE") {
    ex.sendJson(200, Json{{"cleared", ex.emu.log.clear()}});
  } else {
    methodNotAllowed(ex, "GET, DELETE");
  }
}

void stats(Exchange& ex) {
  if (ex.method() != "GET") return methodNotAllowed(ex, "GET");
  ex.sendJson(200, Json{{"token_fetches", ex.emu.tokens.fetchCounts()}, {"requests", ex.emu.log.requestCounts()}});
}

void reset(Exchange& ex) {
  if (ex.method() != "POST") return methodNotAllowed(ex, "POST");
  // Issued tokens survive on purpose: a proxy under test keeps its cached token across tests.
  ex.emu.faults.clear();
  ex.emu.deployments.reset(ex.emu.config.deployments);
  ex.emu.log.clear();
  ex.emu.log.resetCounts();
  ex.emu.tokens.resetCounts();
  ex.sendJson(200, R"({"status":"reset"})");
}

void tokens(Exchange& ex) {
  if (ex.method() != "DELETE") return methodNotAllowed(ex, "DELETE");
  ex.sendJson(200, Json{{"revoked", ex.emu.tokens.revokeAll()}});
}

}  // namespace

void handleControl(Exchange& ex) {
  const std::string& p = ex.path();
  if (p == "/_emulator/faults")
    faults(ex);
  else if (p == "/_emulator/requests")
    requests(ex);
  else if (p == "/_emulator/stats")
    stats(ex);
  else if (p == "/_emulator/reset")
    reset(ex);
  else if (p == "/_emulator/tokens")
    tokens(ex);
  else if (p == "/_emulator/deployments" || p.starts_with("/_emulator/deployments/"))
    handleControlDeployments(ex);
  else
    ex.sendJson(404, Json{{"error", "unknown control endpoint " + p}});
}

}  // namespace aicore::emulator

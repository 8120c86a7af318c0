#include "router.hpp"

#include "emulator.hpp"
#include "exchange.hpp"
#include "handlers.hpp"
#include "text.hpp"

#include <Poco/Net/HTTPRequestHandler.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>

namespace aicore::emulator {

namespace {

RecordedRequest makeRecord(Exchange& ex, unsigned long long arrival) {
  RecordedRequest r;
  r.arrival = arrival;
  r.method = ex.method();
  r.path = ex.path();
  r.query = ex.rawQuery();
  for (const auto& [name, value] : ex.request()) r.headers.emplace_back(toLower(name), value);
  const std::string& body = ex.body();
  size_t keep = std::min(body.size(), static_cast<size_t>(ex.emu.options.recordBodyBytes));
  while (keep < body.size() && keep > 0 && (static_cast<unsigned char>(body[keep]) & 0xC0) == 0x80) --keep;
  r.body = body.substr(0, keep);
  r.bodyBytes = body.size();
  r.deployment = ex.deploymentId;
  r.clientId = ex.clientId;
  r.fault = ex.faultName;
  r.status = ex.status();  // 0 when the connection was killed before any answer
  r.timeMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                 .count();
  return r;
}

class RootHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RootHandler(Emulator& emu) : emu_(emu) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    const auto start = std::chrono::steady_clock::now();
    const unsigned long long arrival = emu_.log.nextArrival();
    Exchange ex(req, resp, emu_);
    const std::string& path = ex.path();
    const bool recorded = path == "/oauth/token" || path == "/v2" || path.starts_with("/v2/");
    try {
      if (path == "/health")
        handleHealth(ex);
      else if (path.starts_with("/_emulator/") || path == "/_emulator")
        handleControl(ex);
      else if (path == "/oauth/token")
        handleOauth(ex);
      else if (path == "/v2/lm/deployments")
        handleDeploymentList(ex);
      else if (recorded)
        handleInference(ex);
      else
        ex.sendJson(404, R"({"error":{"code":"404","message":"Resource not found"}})");
    } catch (const std::exception& e) {
      // A bug in the emulator must show up as a visible 500 and a log line (even with --quiet),
      // not as a hung or silently reset connection: Poco's default error handler says nothing.
      std::fprintf(stderr, "aicore-emulator: %s %s failed: %s\n", ex.method().c_str(), path.c_str(), e.what());
      if (!ex.answered()) {
        Json body = {{"error", {{"code", "500"}, {"message", std::string("emulator error: ") + e.what()}}}};
        ex.sendJson(500, body);
      }
    }
    if (recorded) emu_.log.add(makeRecord(ex, arrival));
    if (!emu_.options.quiet) {
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "%s %s -> %d%s (%.1f ms)\n", ex.method().c_str(), path.c_str(), ex.status(),
                   ex.faultName.empty() ? "" : (" fault=" + ex.faultName).c_str(), ms);
    }
  }

 private:
  Emulator& emu_;
};

}  // namespace

Poco::Net::HTTPRequestHandler* RequestHandlerFactory::createRequestHandler(const Poco::Net::HTTPServerRequest&) {
  return new RootHandler(emu_);
}

}  // namespace aicore::emulator

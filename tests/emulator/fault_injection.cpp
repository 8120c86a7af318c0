#include "fault_injection.hpp"

#include "emulator.hpp"
#include "exchange.hpp"

#include <chrono>
#include <thread>

namespace aicore::emulator {

bool applyFault(Exchange& ex, const std::string& deploymentId, bool isOauth) {
  std::optional<Fault> f = ex.emu.faults.take(deploymentId, isOauth);
  if (!f) return false;
  ex.faultName = faultKindName(f->kind);
  if (f->delayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(f->delayMs));

  HeaderList headers;
  if (f->retryAfter >= 0) headers.emplace_back("Retry-After", std::to_string(f->retryAfter));
  switch (f->kind) {
    case FaultKind::Slow:
      return false;
    case FaultKind::Status429:
      // Wording matched by clients' retry heuristics ("rate limited by ai core").
      ex.sendJson(429, R"({"error":{"code":"429","message":"Your request has been rate limited by AI Core"}})",
                  headers);
      return true;
    case FaultKind::Status500:
      ex.sendJson(500, R"({"error":{"code":"500","message":"Internal Server Error"}})", headers);
      return true;
    case FaultKind::Status503:
      ex.sendJson(503, R"({"error":{"code":"503","message":"Service Unavailable"}})", headers);
      return true;
    case FaultKind::Status401:
      if (isOauth)
        ex.sendJson(401, R"({"error":"invalid_client","error_description":"Bad credentials"})", headers);
      else
        ex.sendJson(401, R"({"error":{"code":"401","message":"Jwt is expired"}})", headers);
      return true;
    case FaultKind::Drop:
    case FaultKind::Reset: {
      const bool reset = f->kind == FaultKind::Reset;
      if (f->afterEvents <= 0) {
        ex.abortConnection(reset);
        return true;
      }
      ex.pendingAbort = PendingAbort{f->afterEvents, reset};
      return false;
    }
  }
  return false;
}

}  // namespace aicore::emulator

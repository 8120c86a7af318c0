#include "fault_injection.hpp"

#include "emulator.hpp"
#include "exchange.hpp"

#include <chrono>
#include <ostream>
#include <thread>

namespace aicore::emulator {

namespace {

// Whether this call streams, in each family's own way of asking for it.
bool isStreaming(const Exchange& ex, std::string_view executable, std::string_view suffix) {
  if (executable == "azure-openai") {
    auto j = Json::parse(ex.body(), nullptr, false);
    return j.is_object() && j.contains("stream") && j["stream"] == true;
  }
  return suffix.find("stream") != std::string_view::npos || suffix.find("Stream") != std::string_view::npos;
}

// The first (and only) event of a 200 stream that fails at once, as each upstream words it:
// OpenAI's documented mid-stream error object; Bedrock's throttling exception as SAP relays it in
// plain SSE; Google's error object for Vertex.
std::string streamErrorEvent(std::string_view executable) {
  if (executable == "aws-bedrock")
    return R"(data: {"message":"Too many tokens, please wait before trying again."})"
           "\n\n";
  if (executable == "gcp-vertexai")
    return R"(data: {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}})"
           "\n\n";
  return R"(data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}})"
         "\n\n";
}

}  // namespace

bool applyFault(Exchange& ex, const std::string& deploymentId, bool isOauth, std::string_view executable,
                std::string_view suffix) {
  std::optional<Fault> f = isOauth ? ex.emu.faults.take("oauth", true)
                                   : ex.emu.faults.take(deploymentId, deploymentId == kDeploymentListFault);
  if (!f) return false;
  ex.faultName = faultKindName(f->kind);
  if (f->delayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(f->delayMs));

  HeaderList headers;
  if (f->retryAfter >= 0) headers.emplace_back("Retry-After", std::to_string(f->retryAfter));
  switch (f->kind) {
    case FaultKind::Slow: return false;
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
    case FaultKind::StreamError:
      // A 200 stream whose first event is an error, then the end of the stream; a request that
      // does not stream (or the token endpoint) gets a 500 instead.
      if (isOauth || !isStreaming(ex, executable, suffix)) {
        ex.sendJson(500, R"({"error":{"code":"500","message":"Internal Server Error"}})", headers);
      } else {
        std::ostream& os = ex.startStream("text/event-stream");
        os << streamErrorEvent(executable);
        os.flush();
      }
      return true;
    case FaultKind::Truncate:
      // Armed: the answer goes out cut short (Exchange::send, Exchange::writeEvent).
      ex.pendingTruncate = f->afterBytes;
      return false;
    case FaultKind::Drop:
    case FaultKind::Reset: {
      const bool reset = f->kind == FaultKind::Reset;
      if (f->afterDone) {
        ex.pendingAbort = PendingAbort{1 << 30, reset, true};
        return false;
      }
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

#pragma once
// Turns a queued fault into behaviour on the current request.
#include <string>
#include <string_view>

namespace aicore::emulator {

class Exchange;

// The fault target of GET /v2/lm/deployments (pass it as `deploymentId`); "*" faults skip it.
inline constexpr const char* kDeploymentListFault = "deployments";

// Consumes the next fault matching this request and acts on it. Returns true when the request is
// finished (an error was answered or the connection was killed); false when the caller should go
// on (no fault, "slow" after its delay, or a drop/reset armed to fire mid-stream).
// `executable` and `suffix` (the path after the deployment id) tell a stream_error fault how the
// deployment's family streams; empty for the token endpoint.
bool applyFault(Exchange& ex, const std::string& deploymentId, bool isOauth, std::string_view executable = {},
                std::string_view suffix = {});

}  // namespace aicore::emulator

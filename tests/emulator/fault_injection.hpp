#pragma once
// Turns a queued fault into behaviour on the current request.
#include <string>

namespace aicore::emulator {

class Exchange;

// Consumes the next fault matching this request and acts on it. Returns true when the request is
// finished (an error was answered or the connection was killed); false when the caller should go
// on (no fault, "slow" after its delay, or a drop/reset armed to fire mid-stream).
bool applyFault(Exchange& ex, const std::string& deploymentId, bool isOauth);

}  // namespace aicore::emulator

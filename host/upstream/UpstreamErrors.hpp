// What an upstream call can fail with, as the attempt loop tells them apart.
#pragma once

#include <stdexcept>

namespace aicore::host {

// Connection failures, timeouts, answers cut short or beyond their bounds: the request may be
// retried elsewhere (under the retry policy, as an attempt of its own).
struct UpstreamIoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The SIGTERM drain's deadline ended the call (InFlightCalls::abort_all): nothing may be retried,
// the request ends with what its client can still get.
struct UpstreamAborted : UpstreamIoError {
  UpstreamAborted() : UpstreamIoError("the proxy is shutting down (server.drain_timeout_s reached)") {}
};

}  // namespace aicore::host

// The running server: the listener (plain or TLS), the worker pool, the connection layer
// (host/net) with the request handlers, the SIGHUP reloader, and the drain on SIGINT/SIGTERM.
// main.cpp parses the command line, sets up logging, loads the config and plugins, builds the
// first Runtime and hands it here.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "runtime/Runtime.hpp"

namespace aicore::host {

// The exit code for a configuration the process refuses (bad file, bad option, unusable listener).
constexpr int kExitConfig = 2;

struct ServeHooks {
  // What SIGHUP does: builds the next Runtime from the current one; throws ConfigError to refuse.
  std::function<std::shared_ptr<Runtime>(const Runtime& current)> rebuild;
  // Blocks until SIGINT/SIGTERM (Poco's ServerApplication::waitForTerminationRequest).
  std::function<void()> wait_for_termination;
  // "aicore-proxy/<version>", for the Server header and the start-up lines.
  std::string version;
};

// Serves `rt` until termination is requested, then drains; returns the process exit code
// (0, 1 when the port cannot be listened on, kExitConfig when the listener's TLS files are bad).
int serve(const std::shared_ptr<Runtime>& rt, const ServeHooks& hooks);

}  // namespace aicore::host

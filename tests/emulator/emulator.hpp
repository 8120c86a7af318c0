#pragma once
// Everything a handler may need, shared by all worker threads. Config and options are immutable
// after start-up; the stores lock internally.
#include "config.hpp"
#include "deployment_store.hpp"
#include "fault_store.hpp"
#include "options.hpp"
#include "request_log.hpp"
#include "token_store.hpp"

namespace aicore::emulator {

struct Emulator {
  Options options;
  Config config;
  DeploymentStore deployments;  // config.deployments as they are now (tests add, remove, stop)
  TokenStore tokens;
  FaultStore faults;
  RequestLog log;
};

}  // namespace aicore::emulator

#pragma once
// Everything a handler may need, shared by all worker threads. Config and options are immutable
// after start-up; the stores lock internally.
#include "config.hpp"
#include "fault_store.hpp"
#include "options.hpp"
#include "request_log.hpp"
#include "token_store.hpp"

namespace aicore::emulator {

struct Emulator {
  Options options;
  Config config;
  TokenStore tokens;
  FaultStore faults;
  RequestLog log;
};

}  // namespace aicore::emulator

// The services the host lends to plugins (acp_host_api): logging into spdlog and the clock.
#pragma once

#include <aicore/abi.h>

#include <cstdint>

namespace aicore::host {

// The table handed to every plugin's entry point; lives for the whole process.
const acp_host_api* host_api();

// Tests pin the clock plugins see; 0 restores the real one.
void set_fixed_unix_time(int64_t t);

}  // namespace aicore::host

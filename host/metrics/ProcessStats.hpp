// The process metrics every Prometheus client library exports (process_*), read from /proc.
#pragma once

#include <string>

namespace aicore::host::metrics {

// Appends process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_threads and process_start_time_seconds. A value
// /proc does not give (another OS) is left out, never reported as 0.
void render_process(std::string& out);

}  // namespace aicore::host::metrics

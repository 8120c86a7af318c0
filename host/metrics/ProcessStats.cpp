#include "metrics/ProcessStats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "metrics/TextFormat.hpp"

namespace aicore::host::metrics {
namespace {

// /proc/self/stat's fields after the command name (which may hold spaces and parentheses).
std::vector<std::string> stat_fields() {
  std::ifstream f("/proc/self/stat");
  std::string line;
  if (!std::getline(f, line)) return {};
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> out;
  for (std::string field; rest >> field;) out.push_back(field);
  return out;  // out[0] is field 3 (state)
}

// Seconds since the epoch when the machine booted (/proc/stat btime).
double boot_time() {
  std::ifstream f("/proc/stat");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  return -1;
}

void gauge(std::string& out, const char* name, const char* type, const char* help, double v) {
  family(out, name, type, help);
  sample(out, name, {}, v);
}

}  // namespace

void render_process(std::string& out) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const auto st = stat_fields();
  // Fields by their number in proc(5): utime 14, stime 15, num_threads 20, starttime 22, vsize 23, rss 24.
  auto field = [&](size_t n) { return std::stod(st.at(n - 3)); };
  if (st.size() >= 22 && ticks > 0) {
    gauge(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
          (field(14) + field(15)) / ticks);
    gauge(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", field(23));
    gauge(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", field(24) * page);
    gauge(out, "process_threads", "gauge", "Threads of the process.", field(20));
    if (const double boot = boot_time(); boot >= 0)
      gauge(out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
            boot + field(22) / ticks);
  }
  std::error_code ec;
  double fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++fds;
  if (!ec)
    gauge(out, "process_open_fds", "gauge", "Number of open file descriptors.", fds - 1);  // less the listing's own
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
    gauge(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
          static_cast<double>(lim.rlim_cur));
}

}  // namespace aicore::host::metrics

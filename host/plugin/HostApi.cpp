#include "plugin/HostApi.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <string_view>

#include "log/Log.hpp"

namespace aicore::host {
namespace {

std::atomic<int64_t> g_fixed_time{0};

void log_from_plugin(acp_log_level level, acp_str plugin, acp_str message) {
  std::string_view name(plugin.ptr ? plugin.ptr : "", plugin.ptr ? plugin.len : 0);
  std::string_view msg(message.ptr ? message.ptr : "", message.ptr ? message.len : 0);
  auto lvl = level >= ACP_LOG_ERROR  ? spdlog::level::err
             : level == ACP_LOG_WARN ? spdlog::level::warn
             : level == ACP_LOG_INFO ? spdlog::level::info
                                     : spdlog::level::debug;
  if (!spdlog::should_log(lvl)) return;
  // Plugins are told never to log secrets; redact anyway, the log is ours.
  spdlog::log(lvl, "plugin {}: {}", name, redact(msg));
}

int64_t unix_time_now() {
  int64_t fixed = g_fixed_time.load(std::memory_order_relaxed);
  if (fixed) return fixed;
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const acp_host_api g_api = {sizeof(acp_host_api),
                            ACP_ABI_VERSION_MAJOR,
                            ACP_ABI_VERSION_MINOR,
                            &log_from_plugin,
                            &unix_time_now,
                            /*event_sinks=*/1,
                            /*error_classes=*/ACP_UPSTREAM_TOO_LONG};

}  // namespace

const acp_host_api* host_api() { return &g_api; }
void set_fixed_unix_time(int64_t t) { g_fixed_time.store(t); }

}  // namespace aicore::host

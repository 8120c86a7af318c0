#include "log/JsonLog.hpp"

#include <spdlog/details/log_msg.h>
#include <spdlog/spdlog.h>
#include <aicore/errors.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace aicore::host {
namespace {

std::atomic<bool> g_json{false};
// The members of the line being logged on this thread by log_structured (loggers are
// synchronous: the formatter runs on the caller's thread, inside the spdlog call).
thread_local std::string_view t_members;
thread_local bool t_structured = false;

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line;
    line.reserve(msg.payload.size() + 96);
    line += "{\"time\":\"";
    append_time(msg.time, line);
    line += "\",\"level\":\"";
    const auto level = spdlog::level::to_string_view(msg.level);
    line.append(level.data(), level.size());
    line += "\",";
    if (t_structured) {
      line.append(t_members.data(), t_members.size());
    } else {
      line += "\"msg\":";
      append_json_string(std::string_view(msg.payload.data(), msg.payload.size()), line);
    }
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }

 private:
  static void append_time(spdlog::log_clock::time_point tp, std::string& out) {
    const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(tp);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp - secs).count();
    const std::time_t t = spdlog::log_clock::to_time_t(tp);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    out += buf;
    std::snprintf(buf, sizeof buf, ".%03dZ", static_cast<int>(ms));
    out += buf;
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> make_json_log_formatter() { return std::make_unique<JsonFormatter>(); }

bool json_logs() { return g_json.load(std::memory_order_relaxed); }
void set_json_logs(bool on) { g_json.store(on, std::memory_order_relaxed); }

void append_json_string(std::string_view s, std::string& out) { aicore::append_json_quoted(s, out); }

void log_structured(std::string_view members, std::string_view text) {
  if (!json_logs()) {
    spdlog::info("{}", text);
    return;
  }
  t_members = members;
  t_structured = true;
  try {
    spdlog::info("{}", text);
  } catch (...) {
    t_structured = false;
    throw;
  }
  t_structured = false;
}

}  // namespace aicore::host

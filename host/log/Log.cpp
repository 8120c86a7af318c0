#include "log/Log.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>

#include "log/JsonLog.hpp"
#include "log/LogEscape.hpp"

namespace aicore::host {

void setup_logging(const LogSettings& settings, bool debug) {
  std::shared_ptr<spdlog::logger> logger;
  if (settings.file.empty())
    logger = spdlog::stderr_color_mt("aicore");
  else
    logger = spdlog::basic_logger_mt("aicore", settings.file);
  // One line per message either way: control characters escaped, or JSON-encoded.
  set_json_logs(settings.format == "json");
  logger->set_formatter(json_logs() ? make_json_log_formatter() : make_log_formatter());
  logger->set_level(debug ? spdlog::level::debug : spdlog::level::from_str(settings.level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

Redactor& Redactor::instance() {
  static Redactor r;
  return r;
}

void Redactor::add(std::string secret) {
  if (secret.size() < 4) return;  // too short to redact without mangling ordinary text
  std::unique_lock lock(mu_);
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  secrets_.push_back(std::move(secret));
  // Bounded: tokens rotate, so keep only the most recent ones beyond the static secrets.
  if (secrets_.size() > 4096) secrets_.erase(secrets_.begin() + 2048);
}

std::string Redactor::redact(std::string_view text) const {
  std::string out(text);
  std::shared_lock lock(mu_);
  for (const auto& s : secrets_) {
    for (size_t pos = out.find(s); pos != std::string::npos; pos = out.find(s, pos + 3))
      out.replace(pos, s.size(), "***");
  }
  return out;
}

}  // namespace aicore::host

// One access-log line per request: who, what, where it went, how it ended, how long it took.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "plugin/StreamEvents.hpp"

namespace aicore::host {

struct AccessRecord {
  std::string id;
  std::string method, path;
  std::string dialect, model, plugin, subaccount, deployment;
  std::string key;  // the caller's key name, when it has one
  int status = 0;
  int attempts = 0;
  bool stream = false;
  std::string affinity;       // hit, miss (it stuck elsewhere before), new; empty: not used for this request
  std::string fallback_from;  // the model key whose deployments all failed, when a fallback answered
  std::string error;          // short reason when status >= 400
  int64_t prompt_tokens = -1, completion_tokens = -1;
  Usage usage;  // every count the plugin reported, for the metrics
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double ttfb_ms = -1;

  void mark_first_byte() {
    if (ttfb_ms < 0)
      ttfb_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  // The token counts the plugin reported (the latest known ones win).
  void record_usage(const Usage& u) {
    if (u.input_tokens >= 0) prompt_tokens = u.input_tokens;
    if (u.output_tokens >= 0) completion_tokens = u.output_tokens;
    usage.merge(u);
  }
  // One line: key=value fields, or a JSON object with the same fields (log.format "json").
  void write() const;

 private:
  std::string json_members(double latency_ms) const;
};

// The deployment id at the end of a deployment URL (what the log shows instead of the whole URL).
std::string deployment_id(std::string_view url);

}  // namespace aicore::host

// `log.format: "json"`: every log line is one JSON object, for log search and SIEM ingestion:
//   {"time":"2026-12-05T08:10:54.031Z","level":"info","msg":"…"}   (UTC)
// and an access line carries its fields as members instead of a message:
//   {"time":…,"level":"info","event":"access","id":"req_…","method":"POST",…,"status":200,…}
// Strings are JSON-escaped (control characters as \uXXXX, invalid UTF-8 replaced), so a client
// value can neither break the line nor add a member.
#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string>
#include <string_view>

namespace aicore::host {

std::unique_ptr<spdlog::formatter> make_json_log_formatter();

// Whether lines are JSON (set once by setup_logging, before any request).
bool json_logs();
void set_json_logs(bool on);

// Appends `text` as a JSON string literal (quotes included; the SDK's aicore::append_json_quoted).
void append_json_string(std::string_view text, std::string& out);

// Logs at info level a line whose JSON form is `members` (a comma-separated list of
// "name":value members, already encoded) and whose text form is `text`.
void log_structured(std::string_view members, std::string_view text);

}  // namespace aicore::host

// Every log line is one line: control characters in a message (CR, LF, ESC, NUL, ...) are written
// as \n, \r, \t or \xHH. Client values (model names, paths, header values) and upstream or plugin
// messages reach the log; a "\n" in a model name must not be able to forge an access-log line or
// hide one, and an ESC must not drive the operator's terminal. Applied by the log formatter, so
// no call site can forget it.
#pragma once

#include <spdlog/pattern_formatter.h>

#include <memory>
#include <string>
#include <string_view>

namespace aicore::host {

// Appends `text` to `out` with control characters escaped.
void append_escaped(std::string_view text, std::string& out);
std::string escape_controls(std::string_view text);

// The default log formatter: "<time> <level> <message>", the message escaped.
std::unique_ptr<spdlog::formatter> make_log_formatter();

}  // namespace aicore::host

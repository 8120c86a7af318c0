// One log line per message: control characters a client put into a value cannot start a line of
// their own (a forged access-log line) or reach the terminal raw.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "log/LogEscape.hpp"
#include "server/AccessLog.hpp"

using namespace aicore::host;

TEST(LogEscape, EscapesEveryControlCharacter) {
  EXPECT_EQ(escape_controls("plain text, ünïcode"), "plain text, ünïcode");
  EXPECT_EQ(escape_controls("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(escape_controls(std::string("\0\x1b[31m\x7f", 7)), "\\x00\\x1b[31m\\x7f");
}

TEST(LogEscape, TheLogFormatterKeepsEachMessageOnOneLine) {
  std::ostringstream out;
  auto logger = std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  logger->set_formatter(make_log_formatter());
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  AccessRecord rec;
  rec.id = "req_1";
  rec.method = "POST";
  rec.path = "/v1/chat/completions";
  rec.model = "gpt-4o\n2026-01-01T00:00:00.000+0000 info access id=req_forged status=200";
  rec.status = 404;
  rec.write();
  spdlog::warn("upstream said: {}", "line one\r\nline two");
  spdlog::set_default_logger(previous);
  const std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_NE(text.find("model=gpt-4o\\n2026-01-01T00:00:00.000+0000\\x20info\\x20access\\x20id=req_forged\\x20status=200 "),
            std::string::npos) << text;
  EXPECT_NE(text.find("upstream said: line one\\r\\nline two\n"), std::string::npos) << text;
}

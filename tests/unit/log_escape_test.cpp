// One log line per message: control characters a client put into a value cannot start a line of
// their own (a forged access-log line) or reach the terminal raw.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <regex>
#include <sstream>

#include "log/LogEscape.hpp"
#include "server/AccessLog.hpp"

using namespace aicore::host;

TEST(LogEscape, EscapesEveryControlCharacter) {
  EXPECT_EQ(escape_controls("plain text, ünïcode"), "plain text, ünïcode");
  EXPECT_EQ(escape_controls("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(escape_controls(std::string("\0\x1b[31m\x7f", 7)), "\\x00\\x1b[31m\\x7f");
}

// The default logger writes into a string with the proxy's formatter while this is alive.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::ostream_sink_st>(out_));
    logger->set_formatter(make_log_formatter());
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(LogEscape, TheLogFormatterKeepsEachMessageOnOneLine) {
  CapturedLog log;
  AccessRecord rec;
  rec.id = "req_1";
  rec.method = "POST";
  rec.path = "/v1/chat/completions";
  rec.model = "gpt-4o\n2026-01-01T00:00:00.000+0000 info access id=req_forged status=200";
  rec.status = 404;
  rec.write();
  spdlog::warn("upstream said: {}", "line one\r\nline two");
  const std::string text = log.text();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_NE(text.find("model=gpt-4o\\n2026-01-01T00:00:00.000+0000\\x20info\\x20access\\x20id=req_forged\\x20status=200 "),
            std::string::npos) << text;
  EXPECT_NE(text.find("upstream said: line one\\r\\nline two\n"), std::string::npos) << text;
}

// The formatter skips eight clean bytes at a time: a control character (or DEL, or a UTF-8 byte
// beside one) at any offset of a long line is still escaped, exactly as escape_controls() does.
TEST(LogEscape, TheFormatterEscapesAControlCharacterAtEveryOffset) {
  const std::string base = "access id=req_1 POST /v1/chat model=gpt-ü status=200 latency_ms=1.5";
  for (const char bad : {'\n', '\x01', '\x1f', '\x7f'})
    for (size_t at = 0; at <= base.size(); ++at) {
      std::string msg = base;
      msg.insert(at, 1, bad);
      std::ostringstream out;
      spdlog::logger logger("t", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
      auto f = make_log_formatter();
      logger.set_formatter(std::move(f));
      logger.info("{}", msg);
      const std::string line = out.str();
      EXPECT_NE(line.find(escape_controls(msg) + "\n"), std::string::npos) << "offset " << at << ": " << line;
      EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
    }
}

// Latencies are written with one decimal ({:.1f}) without fmt's floating-point path.
TEST(LogEscape, TheAccessLineWritesLatenciesWithOneDecimal) {
  CapturedLog log;
  AccessRecord rec;
  rec.id = "req_1";
  rec.start = std::chrono::steady_clock::now() - std::chrono::seconds(12);
  rec.ttfb_ms = 0.96;
  rec.write();
  rec.ttfb_ms = -1;
  rec.write();
  const std::string text = log.text();
  EXPECT_TRUE(std::regex_search(text, std::regex(" latency_ms=120[0-9][0-9]\\.[0-9] ttfb_ms=1\\.0 "))) << text;
  EXPECT_NE(text.find(" ttfb_ms=-1.0 "), std::string::npos) << text;
}

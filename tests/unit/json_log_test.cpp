// log.format "json": every line is one JSON object that a log pipeline can parse, whatever a client
// put into a value (quotes, control characters, invalid UTF-8); access lines carry their fields as
// members.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "config/Config.hpp"
#include "log/JsonLog.hpp"
#include "server/AccessLog.hpp"

using namespace aicore::host;

namespace {

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(s, out);
  return out;
}

// Logs through the JSON formatter into a string; restores the default logger and mode.
template <class F>
std::string capture(F&& body) {
  std::ostringstream out;
  auto logger = std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  logger->set_formatter(make_json_log_formatter());
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  set_json_logs(true);
  body();
  set_json_logs(false);
  spdlog::set_default_logger(previous);
  return out.str();
}

std::vector<nlohmann::json> lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

}  // namespace

TEST(JsonLog, StringsAreEscapedAndInvalidUtf8Replaced) {
  EXPECT_EQ(json_string("plain ünïcode €"), "\"plain ünïcode €\"");
  EXPECT_EQ(json_string("a\"b\\c\nd\re\tf"), "\"a\\\"b\\\\c\\nd\\re\\tf\"");
  EXPECT_EQ(json_string(std::string("\0\x1b", 2)), "\"\\u0000\\u001b\"");
  EXPECT_EQ(json_string("\xff\xc0\x80x\xe2\x82"), "\"\\ufffd\\ufffd\\ufffdx\\ufffd\\ufffd\"");
  EXPECT_EQ(json_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"") << "a UTF-16 surrogate is not UTF-8";
  EXPECT_NO_THROW(nlohmann::json::parse(json_string("\xf4\x90\x80\x80 \xf0\x9f\x98\x80")));
}

TEST(JsonLog, EveryLineIsOneObjectAndAccessLinesCarryFields) {
  const std::string text = capture([] {
    spdlog::warn("upstream said: {}", "line one\r\n\"line two\"\xff");
    AccessRecord rec;
    rec.id = "req_1";
    rec.method = "POST";
    rec.path = "/v1/chat/completions";
    rec.dialect = "openai.chat";
    rec.model = "gpt-4o\",\"status\":200,\"x\":\"\n";
    rec.status = 404;
    rec.error = "The model does not exist";
    rec.write();
  });
  auto got = lines(text);
  ASSERT_EQ(got.size(), 2u) << text;
  EXPECT_EQ(got[0]["level"], "warning");
  EXPECT_EQ(got[0]["msg"], "upstream said: line one\r\n\"line two\"\xef\xbf\xbd");
  EXPECT_TRUE(got[0]["time"].get<std::string>().ends_with("Z"));
  const auto& a = got[1];
  EXPECT_EQ(a["event"], "access");
  EXPECT_EQ(a["level"], "info");
  EXPECT_EQ(a["id"], "req_1");
  EXPECT_EQ(a["model"], "gpt-4o\",\"status\":200,\"x\":\"\n") << "a client value stays one member";
  EXPECT_EQ(a["status"], 404);
  EXPECT_EQ(a["attempts"], 0);
  EXPECT_EQ(a["stream"], false);
  EXPECT_TRUE(a["plugin"].is_null());
  EXPECT_TRUE(a["ttfb_ms"].is_null());
  EXPECT_TRUE(a["prompt_tokens"].is_null());
  EXPECT_TRUE(a["latency_ms"].is_number());
  EXPECT_EQ(a["error"], "The model does not exist");
  EXPECT_FALSE(a.contains("msg"));
}

TEST(JsonLog, TheConfigChoosesTheFormat) {
  auto with_log = [](const std::string& log) {
    return std::string(R"({"subAccounts":{"a":{"service_key":{"clientid":"id","clientsecret":"sec",
      "url":"https://x.example","serviceurls":{"AI_API_URL":"https://api.example"}},
      "deployment_models":{"gpt-4o":["https://api.example/v2/inference/deployments/d1"]}}})") +
           log + "}";
  };
  EXPECT_EQ(parse_config(with_log(R"(,"log":{"format":"json"})"), ".").log.format, "json");
  EXPECT_EQ(parse_config(with_log(""), ".").log.format, "text");
  try {
    parse_config(with_log(R"(,"log":{"format":"xml"})"), ".");
    FAIL() << "accepted";
  } catch (const ConfigError& e) { EXPECT_NE(std::string(e.what()).find("log.format"), std::string::npos) << e.what(); }
}

// Shared helpers for the claude plugin tests: fixtures, a capturing fake host, sinks, and a driver
// that feeds a stream converter in arbitrary pieces.
#pragma once

#include "claude/json_util.hpp"

#include <aicore/plugin.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace claude_test {

using aicore::claude::Json;

inline std::string fixture(const std::string& name) {
  std::ifstream f(std::string(CLAUDE_FIXTURE_DIR) + "/" + name, std::ios::binary);
  if (!f) {
    ADD_FAILURE() << "missing fixture " << name;
    return {};
  }
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

inline Json fixture_json(const std::string& name) { return Json::parse(fixture(name)); }

// Order-sensitive structural equality (ordered_json compares objects as sequences).
#define EXPECT_JSON_EQ(actual, expected)                                                      \
  do {                                                                                         \
    const auto& a_ = (actual);                                                                 \
    const auto& e_ = (expected);                                                               \
    EXPECT_TRUE(a_ == e_) << "actual:   " << a_.dump(2) << "\nexpected: " << e_.dump(2);       \
  } while (0)

// Installs a fake host (log capture, fixed clock 1700000000) for the statically linked core.
class LogCapture {
 public:
  LogCapture() {
    lines().clear();
    api_.struct_size = sizeof(acp_host_api);
    api_.abi_major = ACP_ABI_VERSION_MAJOR;
    api_.abi_minor = ACP_ABI_VERSION_MINOR;
    api_.log = [](acp_log_level level, acp_str, acp_str message) {
      lines().push_back({level, std::string(aicore::view(message))});
    };
    api_.unix_time = [] { return int64_t{1700000000}; };
    previous_ = aicore::detail::host_api();
    aicore::detail::host_api() = &api_;
  }
  ~LogCapture() { aicore::detail::host_api() = previous_; }
  struct Line {
    acp_log_level level;
    std::string text;
  };
  static std::vector<Line>& lines() {
    static std::vector<Line> l;
    return l;
  }

 private:
  acp_host_api api_{};
  const acp_host_api* previous_ = nullptr;
};

// A sink that keeps every write() separately (one SSE event each on stream sinks).
struct Collect {
  std::vector<std::string> items;
  acp_sink raw{this, [](void* ctx, acp_str b) { static_cast<Collect*>(ctx)->items.emplace_back(aicore::view(b)); }};
  aicore::Sink sink() { return aicore::Sink(&raw); }
  std::string joined() const {
    std::string s;
    for (const auto& i : items) s += i;
    return s;
  }
};

using ConverterFactory = std::function<std::unique_ptr<aicore::StreamConverter>()>;

// Feeds `pieces` then finishes; returns every event written, in order.
inline std::vector<std::string> run_stream(const ConverterFactory& make, const std::vector<std::string_view>& pieces) {
  auto c = make();
  Collect out;
  for (auto p : pieces) c->feed(p, out.sink());
  c->finish(out.sink());
  return out.items;
}

inline std::vector<std::string> run_whole(const ConverterFactory& make, std::string_view s) { return run_stream(make, {s}); }

inline std::vector<std::string> run_split(const ConverterFactory& make, std::string_view s, size_t k) {
  return run_stream(make, {s.substr(0, k), s.substr(k)});
}

inline std::vector<std::string> run_bytewise(const ConverterFactory& make, std::string_view s) {
  std::vector<std::string_view> pieces;
  for (size_t i = 0; i < s.size(); ++i) pieces.push_back(s.substr(i, 1));
  return run_stream(make, pieces);
}

// Splits an expected transcript into its events (each ends with a blank line).
inline std::vector<std::string> events_of(const std::string& text) {
  std::vector<std::string> ev;
  size_t start = 0;
  for (size_t i; (i = text.find("\n\n", start)) != std::string::npos; start = i + 2) ev.push_back(text.substr(start, i + 2 - start));
  EXPECT_EQ(start, text.size()) << "transcript does not end with a blank line";
  return ev;
}

inline std::string crlf(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '\n') o += '\r';
    o += c;
  }
  return o;
}

}  // namespace claude_test

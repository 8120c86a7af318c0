// Shared helpers for the gemini plugin tests: fixtures (with an update mode for goldens), a
// capturing fake host, and sinks.
#pragma once

#include "gemini/json_util.hpp"

#include <aicore/plugin.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace gemini_test {

using aicore::gemini::dump;
using aicore::gemini::Json;

inline std::string fixture_path(const std::string& name) { return std::string(GEMINI_FIXTURE_DIR) + "/" + name; }

inline std::string fixture(const std::string& name) {
  std::ifstream f(fixture_path(name), std::ios::binary);
  if (!f) {
    ADD_FAILURE() << "missing fixture " << name;
    return {};
  }
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

inline Json fixture_json(const std::string& name) { return Json::parse(fixture(name)); }

inline bool updating_goldens() {
  const char* v = std::getenv("GEMINI_UPDATE_GOLDEN");
  return v && *v && std::string(v) != "0";
}

// Order-sensitive structural equality (ordered_json compares objects as sequences), both sides
// printed on failure.
#define EXPECT_JSON_EQ(actual, expected)                                                      \
  do {                                                                                         \
    const auto& a_ = (actual);                                                                 \
    const auto& e_ = (expected);                                                               \
    EXPECT_TRUE(a_ == e_) << "actual:   " << a_.dump(2) << "\nexpected: " << e_.dump(2);       \
  } while (0)

// Compares with fixtures/<name>; with GEMINI_UPDATE_GOLDEN=1 writes `actual` there instead.
inline void expect_golden_json(const Json& actual, const std::string& name) {
  if (updating_goldens()) {
    std::ofstream(fixture_path(name), std::ios::binary) << actual.dump(2) << "\n";
    return;
  }
  EXPECT_JSON_EQ(actual, fixture_json(name));
}

inline void expect_golden_text(const std::string& actual, const std::string& name) {
  if (updating_goldens()) {
    std::ofstream(fixture_path(name), std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(actual, fixture(name)) << "golden " << name;
}

// Collects every log line the plugin writes through the host API and pins the host clock.
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

// Runs f and returns the PluginError it throws (fails the test when it throws nothing).
template <class F>
aicore::PluginError expect_plugin_error(F&& f) {
  try {
    f();
  } catch (const aicore::PluginError& e) {
    return e;
  }
  ADD_FAILURE() << "no PluginError thrown";
  return aicore::PluginError(ACP_OK, "");
}

}  // namespace gemini_test

// Helpers every provider plugin's tests share: fixture loading, order-sensitive JSON comparison,
// a fake host that captures the plugin's log lines and pins its clock, and a sink that keeps each
// write. Each plugin's tests/plugins/<name>/test_support.hpp adds its fixture folder and extras.
#pragma once

#include <aicore/mapping/json_io.hpp>
#include <aicore/plugin.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace plugin_test {

using Json = aicore::mapping::Json;

inline std::string read_fixture(const std::string& dir, const std::string& name) {
  std::ifstream f(dir + "/" + name, std::ios::binary);
  if (!f) {
    ADD_FAILURE() << "missing fixture " << name;
    return {};
  }
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Structural equality that is also order-sensitive (ordered_json compares objects as sequences),
// with both sides printed on failure.
#define EXPECT_JSON_EQ(actual, expected)                                                      \
  do {                                                                                         \
    const auto& a_ = (actual);                                                                 \
    const auto& e_ = (expected);                                                               \
    EXPECT_TRUE(a_ == e_) << "actual:   " << a_.dump(2) << "\nexpected: " << e_.dump(2);       \
  } while (0)

// Collects every log line the plugin writes through the host API and pins the host clock
// (1700000000). Installs itself as the host of the statically linked core for its lifetime.
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

}  // namespace plugin_test

// Shared helpers for the gemini plugin tests: fixtures (with an update mode for goldens), a
// capturing fake host, and sinks.
#pragma once

#include "gemini/json_util.hpp"

#include <aicore/plugin.hpp>

#include "support/plugin_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace gemini_test {

using plugin_test::Collect;
using plugin_test::LogCapture;

using aicore::gemini::dump;
using aicore::gemini::Json;

inline std::string fixture_path(const std::string& name) { return std::string(GEMINI_FIXTURE_DIR) + "/" + name; }

inline std::string fixture(const std::string& name) { return plugin_test::read_fixture(GEMINI_FIXTURE_DIR, name); }

inline Json fixture_json(const std::string& name) { return Json::parse(fixture(name)); }

inline bool updating_goldens() {
  const char* v = std::getenv("GEMINI_UPDATE_GOLDEN");
  return v && *v && std::string(v) != "0";
}

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

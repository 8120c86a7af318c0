// Shared helpers for the openai plugin tests: fixture loading, a capturing fake host, and sinks.
#pragma once

#include "openai/json_util.hpp"

#include <aicore/plugin.hpp>

#include "support/plugin_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace openai_test {

using plugin_test::Collect;
using plugin_test::LogCapture;

using aicore::openai::Json;

inline std::string fixture(const std::string& name) { return plugin_test::read_fixture(OPENAI_FIXTURE_DIR, name); }

inline Json fixture_json(const std::string& name) { return Json::parse(fixture(name)); }

}  // namespace openai_test

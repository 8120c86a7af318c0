// Shared helpers for the claude plugin tests: fixtures, a capturing fake host, sinks, and a driver
// that feeds a stream converter in arbitrary pieces.
#pragma once

#include "claude/json_util.hpp"

#include <aicore/plugin.hpp>

#include "support/plugin_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace claude_test {

using plugin_test::Collect;
using plugin_test::LogCapture;

using aicore::claude::Json;

inline std::string fixture(const std::string& name) { return plugin_test::read_fixture(CLAUDE_FIXTURE_DIR, name); }

inline Json fixture_json(const std::string& name) { return Json::parse(fixture(name)); }

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

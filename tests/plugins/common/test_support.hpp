// Shared helpers for the mapping tests: fixtures, golden comparison, and stream drivers that feed
// SSE bytes through aicore::SseParser exactly as the plugins do.
#pragma once

#include <aicore/mapping/mapping.hpp>
#include <aicore/plugin.hpp>
#include <aicore/sse.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace mapping_test {

using aicore::mapping::Json;

inline std::string fixture_path(const std::string& name) { return std::string(MAPPING_FIXTURE_DIR) + "/" + name; }

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

inline bool updating_golden() {
  const char* v = std::getenv("MAPPING_UPDATE_GOLDEN");
  return v && *v && std::string(v) != "0";
}

// Compares with the golden file (order-sensitive: ordered_json compares objects as sequences);
// with MAPPING_UPDATE_GOLDEN=1 rewrites it instead.
inline void expect_golden_json(const Json& actual, const std::string& name) {
  if (updating_golden()) {
    std::ofstream(fixture_path(name), std::ios::binary) << actual.dump(2) << "\n";
    return;
  }
  Json expected = fixture_json(name);
  EXPECT_TRUE(actual == expected) << name << "\nactual:   " << actual.dump(2) << "\nexpected: " << expected.dump(2);
}

inline void expect_golden_text(const std::string& actual, const std::string& name) {
  if (updating_golden()) {
    std::ofstream(fixture_path(name), std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(actual, fixture(name)) << name;
}

// The error message a callable throws as aicore::PluginError ("" when it does not throw).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const aicore::PluginError& e) {
    return e.message;
  }
  return {};
}

struct StreamRun {
  std::vector<std::string> events;
  std::string error;  // the PluginError message finish() threw, if any
  std::string joined() const {
    std::string s;
    for (const auto& e : events) s += e;
    return s;
  }
  bool operator==(const StreamRun&) const = default;
};

inline void PrintTo(const StreamRun& r, std::ostream* os) { *os << r.joined() << (r.error.empty() ? "" : "\nthrew: " + r.error); }

// As the plugins parse an event: bad JSON is the upstream's fault.
inline Json parse_event(const std::string& data) {
  Json j = Json::parse(data, nullptr, false);
  if (j.is_discarded()) throw aicore::upstream_error("stream event: invalid JSON");
  return j;
}

// Runs feed, then the parser's finish (an event cut off mid-way does not parse: that is the
// truncation the converter's finish reports), then the converter's finish; records what is thrown.
template <class Feed, class ParserFinish, class ConvFinish>
void finish_run(StreamRun& r, Feed&& feed, ParserFinish&& parser_finish, ConvFinish&& conv_finish) {
  try {
    feed();
    try {
      parser_finish();
    } catch (const aicore::PluginError&) {
    }
    conv_finish();
  } catch (const aicore::PluginError& e) {
    r.error = e.message;
  }
}

// Anthropic SSE bytes in the given pieces -> AnthropicToOpenAIStream -> OpenAI events.
inline StreamRun run_anthropic(const std::vector<std::string_view>& pieces, const aicore::mapping::OpenAIStreamOptions& o) {
  StreamRun r;
  aicore::mapping::AnthropicToOpenAIStream conv(o);
  aicore::SseParser parser;
  aicore::mapping::Emit emit = [&](std::string_view e) { r.events.emplace_back(e); };
  auto on = [&](const aicore::SseEvent& ev) {
    if (!ev.has_data || ev.data.empty()) return;
    conv.on_event(parse_event(ev.data), emit);
  };
  finish_run(r, [&] { for (auto p : pieces) parser.feed(p, on); }, [&] { parser.finish(on); },
             [&] { conv.finish(emit); });
  return r;
}

// OpenAI SSE bytes -> OpenAIToAnthropicStream -> Anthropic events; [DONE] calls finish(), and so
// does the end of input (finish is idempotent).
inline StreamRun run_openai(const std::vector<std::string_view>& pieces, const aicore::mapping::AnthropicStreamOptions& o) {
  StreamRun r;
  aicore::mapping::OpenAIToAnthropicStream conv(o);
  aicore::SseParser parser;
  aicore::mapping::Emit emit = [&](std::string_view e) { r.events.emplace_back(e); };
  auto on = [&](const aicore::SseEvent& ev) {
    if (!ev.has_data || ev.data.empty()) return;
    if (ev.data == "[DONE]") return conv.finish(emit);
    conv.on_chunk(parse_event(ev.data), emit);
  };
  finish_run(r, [&] { for (auto p : pieces) parser.feed(p, on); }, [&] { parser.finish(on); },
             [&] { conv.finish(emit); });
  return r;
}

inline std::vector<std::string_view> whole(std::string_view s) { return {s}; }
inline std::vector<std::string_view> split_at(std::string_view s, size_t k) { return {s.substr(0, k), s.substr(k)}; }
inline std::vector<std::string_view> bytes(std::string_view s) {
  std::vector<std::string_view> v;
  for (size_t i = 0; i < s.size(); ++i) v.push_back(s.substr(i, 1));
  return v;
}

// `rounds` ways of cutting `s` into pieces of 0..64 bytes (empty pieces included), reproducibly.
inline std::vector<std::vector<std::string_view>> random_splits(std::string_view s, int rounds) {
  std::vector<std::vector<std::string_view>> out;
  std::mt19937 rng(1234);
  for (int r = 0; r < rounds; ++r) {
    std::vector<std::string_view> pieces;
    for (size_t pos = 0; pos < s.size();) {
      size_t n = std::uniform_int_distribution<size_t>(0, 64)(rng);
      pieces.push_back(s.substr(pos, n));
      pos += n;
    }
    out.push_back(std::move(pieces));
  }
  return out;
}

inline std::string crlf(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '\n') o += '\r';
    o += c;
  }
  return o;
}

}  // namespace mapping_test

// Shared pieces of the fuzz targets: a provider driven through its C ABI table exactly as the host
// drives it (tests/support/provider_driver.hpp), and fuzz::fail(), which prints what went wrong and
// aborts so libFuzzer (or the corpus replayer) reports the input.
#pragma once

#include <aicore/abi.h>
#include <aicore/plugin.hpp>

#include <nlohmann/json.hpp>

#include "provider_driver.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "\nFUZZ PROPERTY VIOLATED: %.*s\n", int(what.size()), what.data());
  if (!detail.empty()) std::fprintf(stderr, "  detail: %.*s\n", int(std::min<size_t>(detail.size(), 2000)), detail.data());
  std::fflush(stderr);
  std::abort();
}

#define FUZZ_CHECK(cond, detail) \
  do {                           \
    if (!(cond)) ::fuzz::fail("FUZZ_CHECK(" #cond ") at " __FILE__ ":" + std::to_string(__LINE__), (detail)); \
  } while (0)

// Inputs stay small enough that quadratic reference checks remain fast.
inline constexpr size_t kMaxInput = 1 << 16;

}  // namespace fuzz

// What each target defines instead of LLVMFuzzerTestOneInput: worker_stack_entry.cpp calls it for
// every input (at most fuzz::kMaxInput bytes) on a thread with the proxy workers' stack.
int fuzz_one_input(std::string_view input);

namespace fuzz {

// The ABI driver (tests/support/provider_driver.hpp) under the names the targets use.
using test_support::Adapter;
using test_support::Collect;
using test_support::Error;
using test_support::install_quiet_host;
using test_support::Request;

// A status the host turns into a client-visible error must come with a message, and a client's bad
// input must never be ACP_ERR_INTERNAL (the host would answer 500 "plugin error" instead of a 400
// naming the problem).
inline void check_failure(acp_status st, const Error& err, std::string_view input, bool client_input) {
  if (st == ACP_OK) return;
  FUZZ_CHECK(err.set && !err.message.empty(), std::string(input));
  if (st == ACP_ERR_INTERNAL)
    fail(client_input ? "client input made the plugin fail with ACP_ERR_INTERNAL (host answers 500)"
                      : "upstream input made the plugin fail with ACP_ERR_INTERNAL (host answers 500)",
         err.message + "\n  input: " + std::string(input.substr(0, 1500)));
}

// Splits `data` into pieces: whole, one byte at a time (small inputs), and pseudo-random cuts
// seeded from the input itself, so every input is replayed the same way.
inline std::vector<std::vector<std::string_view>> splits(std::string_view data) {
  std::vector<std::vector<std::string_view>> out;
  out.push_back({data});
  if (data.size() <= 1024) {
    std::vector<std::string_view> bytes;
    for (size_t i = 0; i < data.size(); ++i) bytes.push_back(data.substr(i, 1));
    out.push_back(std::move(bytes));
  }
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : data) h = (h ^ c) * 1099511628211ull;
  for (int variant = 0; variant < 2; ++variant) {
    std::vector<std::string_view> pieces;
    size_t pos = 0;
    uint64_t x = h + 0x9e3779b97f4a7c15ull * (variant + 1);
    while (pos < data.size()) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift
      size_t n = 1 + x % (variant == 0 ? 7 : 97);
      pieces.push_back(data.substr(pos, n));
      pos += std::min(n, data.size() - pos);
    }
    pieces.push_back(std::string_view());  // an empty feed must be harmless
    out.push_back(std::move(pieces));
  }
  return out;
}

// True when `text` is a complete SSE event ("...\n\n") whose data lines form a JSON value or
// [DONE]; `data` receives the joined data.
inline bool well_formed_event(std::string_view text, std::string* data_out = nullptr, std::string* name_out = nullptr) {
  if (text.size() < 2 || text.substr(text.size() - 2) != "\n\n") return false;
  std::string data;
  bool has_data = false;
  size_t pos = 0;
  std::string_view body = text.substr(0, text.size() - 2);
  while (pos <= body.size()) {
    size_t nl = body.find('\n', pos);
    std::string_view line = body.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (line.empty()) return false;  // two events in one write
    if (line.rfind("data: ", 0) == 0) {
      if (has_data) data.push_back('\n');
      data.append(line.substr(6));
      has_data = true;
    } else if (line.rfind("event: ", 0) == 0) {
      if (name_out) name_out->assign(line.substr(7));
    } else if (line[0] != ':') {
      return false;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  if (!has_data) return false;
  if (data_out) *data_out = data;
  return data == "[DONE]" || nlohmann::json::accept(data);
}

// True when `event` ends a stream in its dialect: [DONE] or an error chunk (OpenAI), message_stop or
// an error event (Anthropic).
inline bool is_end_event(std::string_view dialect, const std::string& event) {
  std::string data, name;
  well_formed_event(event, &data, &name);
  if (dialect == ACP_DIALECT_ANTHROPIC_MESSAGES) return name == "message_stop" || name == "error";
  if (data == "[DONE]") return true;
  auto j = nlohmann::json::parse(data, nullptr, false);
  return j.is_object() && j.contains("error");
}

// Runs one upstream byte sequence through a provider's stream converter whole, byte by byte and in
// pseudo-random pieces, as a TCP connection may deliver it, and checks what the host relies on:
//  - the client sees the same events, and the same outcome, whatever the split;
//  - every event is one complete SSE event whose data is JSON or [DONE];
//  - nothing follows the end event;
//  - a stream that finishes cleanly has ended properly (never a silent truncation: the host appends
//    its own error event only when the converter reports a failure);
//  - an upstream's bad bytes are an error status with a message, never ACP_ERR_INTERNAL.
template <class P>
void check_stream(const Adapter<P>& adapter, std::string_view dialect, std::string_view model,
                  std::string_view context, std::string_view in) {
  using Result = typename Adapter<P>::StreamResult;
  const auto cuts = splits(in);
  Result first;
  for (size_t k = 0; k < cuts.size(); ++k) {
    Result r = adapter.stream(dialect, model, context, cuts[k]);
    if (r.status != ACP_OK) {
      Error e;
      e.set = true;
      e.message = r.message;
      check_failure(r.status, e, in, false);
    }
    bool ended = false;
    for (const auto& ev : r.events) {
      FUZZ_CHECK(well_formed_event(ev), ev);
      FUZZ_CHECK(!ended, "an event after the end of the stream: " + ev);
      ended = is_end_event(dialect, ev);
    }
    if (r.status == ACP_OK)
      FUZZ_CHECK(ended, std::string(dialect) + ": the stream finished cleanly without its end event (silent truncation)");
    if (k == 0) {
      first = std::move(r);
      continue;
    }
    if (r.events != first.events || r.status != first.status || r.message != first.message ||
        r.failed_in_finish != first.failed_in_finish) {
      std::string a, b;
      for (const auto& e : first.events) a += e;
      for (const auto& e : r.events) b += e;
      fail(std::string(dialect) + ": the output depends on how the upstream bytes were split (split #" + std::to_string(k) + ")",
           "whole: status " + std::to_string(first.status) + " " + first.message + "\n" + a + "\n  split: status " +
               std::to_string(r.status) + " " + r.message + "\n" + b);
    }
  }
}

}  // namespace fuzz

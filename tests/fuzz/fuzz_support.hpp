// Shared pieces of the fuzz targets: a provider driven through its C ABI table exactly as the host
// drives it (aicore::provider_table<P>(), the thunks included), capturing sinks, and fuzz_fail(),
// which prints what went wrong and aborts so libFuzzer (or the corpus replayer) reports the input.
#pragma once

#include <aicore/abi.h>
#include <aicore/plugin.hpp>

#include <nlohmann/json.hpp>

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

// A silent host: plugins log through it and read its clock.
inline void install_quiet_host() {
  static acp_host_api api{};
  api.struct_size = sizeof(acp_host_api);
  api.abi_major = ACP_ABI_VERSION_MAJOR;
  api.abi_minor = ACP_ABI_VERSION_MINOR;
  api.log = [](acp_log_level, acp_str, acp_str) {};
  api.unix_time = [] { return int64_t{1700000000}; };
  aicore::detail::host_api() = &api;
}

struct Error {
  bool set = false;
  int http = 0;
  std::string type, message;
  acp_error_sink sink{this, [](void* c, int32_t http, acp_str type, acp_str msg) {
                        auto* e = static_cast<Error*>(c);
                        e->set = true;
                        e->http = http;
                        e->type.assign(aicore::view(type));
                        e->message.assign(aicore::view(msg));
                      }};
};

struct Collect {
  std::vector<std::string> items;
  acp_sink sink{this, [](void* c, acp_str b) { static_cast<Collect*>(c)->items.emplace_back(aicore::view(b)); }};
  std::string joined() const {
    std::string s;
    for (const auto& i : items) s += i;
    return s;
  }
};

struct Request {
  std::string target, method, body, context, respond_body;
  int respond_status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  acp_request_out out{
      sizeof(acp_request_out), this,
      [](void* c, acp_str t) { static_cast<Request*>(c)->target.assign(aicore::view(t)); },
      [](void* c, acp_str m) { static_cast<Request*>(c)->method.assign(aicore::view(m)); },
      [](void* c, acp_str n, acp_str v) {
        static_cast<Request*>(c)->headers.emplace_back(std::string(aicore::view(n)), std::string(aicore::view(v)));
      },
      [](void* c, acp_str b) { static_cast<Request*>(c)->body.append(aicore::view(b)); },
      [](void* c, acp_str x) { static_cast<Request*>(c)->context.assign(aicore::view(x)); },
      [](void* c, int32_t status, acp_str b) {
        auto* r = static_cast<Request*>(c);
        r->respond_status = status;
        r->respond_body.assign(aicore::view(b));
      }};
};

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

// One adapter of provider P for the whole fuzzing session, as a host holds it.
template <class P>
class Adapter {
 public:
  explicit Adapter(std::string_view settings) : t_(aicore::provider_table<P>()) {
    install_quiet_host();
    Error err;
    if (t_->create(aicore::str(settings), &a_, &err.sink) != ACP_OK) fail("adapter settings rejected", err.message);
  }
  ~Adapter() { t_->destroy(a_); }

  acp_status convert_request(std::string_view dialect, std::string_view client_model, std::string_view model,
                             std::string_view body, bool stream, Request& out, Error& err) const {
    static const acp_header hdrs[] = {{aicore::str("content-type"), aicore::str("application/json")},
                                      {aicore::str("anthropic-version"), aicore::str("2023-06-01")}};
    acp_request_in in{sizeof(acp_request_in), aicore::str(dialect), aicore::str(client_model), aicore::str(model),
                      aicore::str(body), hdrs, 2, stream ? 1 : 0};
    return t_->convert_request(a_, &in, &out.out, &err.sink);
  }

  acp_status convert_response(std::string_view dialect, std::string_view model, std::string_view context, int status,
                              std::string_view body, Collect& out, Error& err) const {
    acp_response_in in = response_in(dialect, model, context, status, body);
    return t_->convert_response(a_, &in, &out.sink, &err.sink);
  }

  acp_error_class classify(std::string_view dialect, std::string_view model, int status, std::string_view body,
                           Collect& message) const {
    acp_response_in in = response_in(dialect, model, {}, status, body);
    return t_->classify_error(a_, &in, &message.sink);
  }

  // A stream as the host runs it: open, feed each piece, finish unless a feed failed, close.
  struct StreamResult {
    std::vector<std::string> events;
    acp_status status = ACP_OK;  // the first failure, or ACP_OK
    std::string message;
    bool failed_in_finish = false;
  };
  StreamResult stream(std::string_view dialect, std::string_view model, std::string_view context,
                      const std::vector<std::string_view>& pieces) const {
    StreamResult r;
    acp_response_in in = response_in(dialect, model, context, 200, {});
    acp_stream* s = nullptr;
    Error err;
    r.status = t_->stream_open(a_, &in, &s, &err.sink);
    if (r.status != ACP_OK) {
      r.message = err.message;
      return r;
    }
    Collect events;
    for (auto piece : pieces) {
      Error e;
      acp_status st = t_->stream_feed(s, aicore::str(piece), &events.sink, &e.sink);
      if (st != ACP_OK) {
        r.status = st;
        r.message = e.message;
        break;
      }
    }
    if (r.status == ACP_OK) {
      Error e;
      acp_status st = t_->stream_finish(s, &events.sink, &e.sink);
      if (st != ACP_OK) {
        r.status = st;
        r.message = e.message;
        r.failed_in_finish = true;
      }
    }
    int64_t p = 0, c = 0;
    if (t_->stream_usage) t_->stream_usage(s, &p, &c);
    t_->stream_close(s);
    r.events = std::move(events.items);
    return r;
  }

 private:
  static acp_response_in response_in(std::string_view dialect, std::string_view model, std::string_view context,
                                     int status, std::string_view body) {
    return acp_response_in{sizeof(acp_response_in), aicore::str(dialect), aicore::str(model), aicore::str(context),
                           status, aicore::str("application/json"), aicore::str(body)};
  }
  const acp_provider_v1* t_;
  acp_adapter* a_ = nullptr;
};

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

#include "server/AccessLog.hpp"

#include <fmt/compile.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cmath>
#include <string_view>

#include "log/JsonLog.hpp"

namespace aicore::host {
namespace {

// A value the client chose, as one key=value field: spaces escaped so that a model named
// "x status=200" cannot add fields (control characters are escaped by the log formatter).
std::string field(const std::string& v) {
  if (v.empty()) return "-";
  if (v.find(' ') == std::string::npos) return v;
  std::string out;
  for (char c : v) {
    if (c == ' ')
      out += "\\x20";
    else
      out += c;
  }
  return out;
}

// A duration in milliseconds as {:.1f} writes it, from integer tenths: fmt's floating-point path
// was a fifth of the access line's cost. Negative values (-1: no first byte) keep their sign.
class Tenths {
 public:
  explicit Tenths(double ms) {
    const long long t = std::llround(ms * 10);
    const unsigned long long a = t < 0 ? 0ULL - static_cast<unsigned long long>(t) : static_cast<unsigned long long>(t);
    char* p = buf_;
    if (t < 0) *p++ = '-';
    p = std::to_chars(p, buf_ + sizeof buf_, a / 10).ptr;
    *p++ = '.';
    *p++ = static_cast<char>('0' + a % 10);
    n_ = static_cast<size_t>(p - buf_);
  }
  std::string_view view() const { return {buf_, n_}; }

 private:
  char buf_[32];
  size_t n_ = 0;
};

}  // namespace

void AccessRecord::write() const {
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // FMT_COMPILE: the format is parsed when this is compiled, not for every request.
  const std::string text = fmt::format(
      FMT_COMPILE(
          "access id={} {} {} key={} dialect={} model={} plugin={} subaccount={} deployment={} status={} attempts={} "
          "stream={} "
          "latency_ms={} ttfb_ms={} prompt_tokens={} completion_tokens={} affinity={}{}{}{}{}"),
      id, field(method), field(path), key.empty() ? "-" : key, dialect.empty() ? "-" : dialect, field(model),
      plugin.empty() ? "-" : plugin, subaccount.empty() ? "-" : subaccount, deployment.empty() ? "-" : deployment,
      status, attempts, stream, Tenths(ms).view(), Tenths(ttfb_ms).view(), prompt_tokens, completion_tokens,
      affinity.empty() ? "-" : affinity, fallback_from.empty() ? "" : " fallback_from=", field(fallback_from),
      error.empty() ? "" : " error=", error);
  log_structured(json_logs() ? json_members(ms) : std::string(), text);
}

// The same fields as JSON members; what is unknown is null.
std::string AccessRecord::json_members(double latency_ms) const {
  std::string m = "\"event\":\"access\"";
  auto str = [&m](const char* name, const std::string& v) {
    m += ",\"";
    m += name;
    m += "\":";
    if (v.empty())
      m += "null";
    else
      append_json_string(v, m);
  };
  auto num = [&m](const char* name, auto v, bool known) {
    m += ",\"";
    m += name;
    m += "\":";
    m += known ? fmt::format("{}", v) : "null";
  };
  str("id", id);
  str("method", method);
  str("path", path);
  str("key", key);
  str("dialect", dialect);
  str("model", model);
  str("plugin", plugin);
  str("subaccount", subaccount);
  str("deployment", deployment);
  num("status", status, true);
  num("attempts", attempts, true);
  m += stream ? ",\"stream\":true" : ",\"stream\":false";
  num("latency_ms", std::round(latency_ms * 10) / 10, true);
  num("ttfb_ms", std::round(ttfb_ms * 10) / 10, ttfb_ms >= 0);
  num("prompt_tokens", prompt_tokens, prompt_tokens >= 0);
  num("completion_tokens", completion_tokens, completion_tokens >= 0);
  str("affinity", affinity);
  if (!fallback_from.empty()) str("fallback_from", fallback_from);
  if (!error.empty()) str("error", error);
  return m;
}

std::string deployment_id(std::string_view url) {
  auto q = url.find('?');
  if (q != std::string_view::npos) url = url.substr(0, q);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  auto slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

}  // namespace aicore::host

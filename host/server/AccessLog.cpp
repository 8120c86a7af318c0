#include "server/AccessLog.hpp"

#include <spdlog/spdlog.h>

namespace aicore::host {
namespace {

// A value the client chose, as one key=value field: spaces escaped so that a model named
// "x status=200" cannot add fields (control characters are escaped by the log formatter).
std::string field(const std::string& v) {
  if (v.empty()) return "-";
  std::string out;
  for (char c : v) {
    if (c == ' ')
      out += "\\x20";
    else
      out += c;
  }
  return out;
}

}  // namespace

void AccessRecord::write() const {
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  spdlog::info(
      "access id={} {} {} dialect={} model={} plugin={} subaccount={} deployment={} status={} attempts={} stream={} "
      "latency_ms={:.1f} ttfb_ms={:.1f} prompt_tokens={} completion_tokens={}{}{}",
      id, field(method), field(path), dialect.empty() ? "-" : dialect, field(model), plugin.empty() ? "-" : plugin,
      subaccount.empty() ? "-" : subaccount, deployment.empty() ? "-" : deployment, status, attempts, stream, ms,
      ttfb_ms, prompt_tokens, completion_tokens, error.empty() ? "" : " error=", error);
}

std::string deployment_id(std::string_view url) {
  auto q = url.find('?');
  if (q != std::string_view::npos) url = url.substr(0, q);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  auto slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

}  // namespace aicore::host

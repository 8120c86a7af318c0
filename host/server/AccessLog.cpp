#include "server/AccessLog.hpp"

#include <spdlog/spdlog.h>

#include <cctype>

namespace aicore::host {
namespace {

// The integer after "key": in text, or -1. Cheap enough to run on every stream event that
// mentions usage, without parsing the JSON.
int64_t number_after(std::string_view text, std::string_view key) {
  size_t pos = text.find(key);
  if (pos == std::string_view::npos) return -1;
  pos += key.size();
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == ':')) ++pos;
  int64_t v = 0;
  bool any = false;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    v = v * 10 + (text[pos++] - '0');
    any = true;
  }
  return any ? v : -1;
}

// A value the client chose, as one key=value field: spaces escaped so that a model named
// "x status=200" cannot add fields (control characters are escaped by the log formatter).
std::string field(const std::string& v) {
  if (v.empty()) return "-";
  std::string out;
  for (char c : v) {
    if (c == ' ') out += "\\x20";
    else out += c;
  }
  return out;
}

}  // namespace

void AccessRecord::scan_usage(std::string_view text) {
  const size_t usage = text.find("\"usage\"");
  if (usage == std::string_view::npos) return;
  text.remove_prefix(usage);  // the counts are inside usage: no need to search the whole answer for them
  for (auto key : {"\"prompt_tokens\"", "\"input_tokens\""})
    if (int64_t v = number_after(text, key); v > prompt_tokens) prompt_tokens = v;
  for (auto key : {"\"completion_tokens\"", "\"output_tokens\""})
    if (int64_t v = number_after(text, key); v > completion_tokens) completion_tokens = v;
}

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

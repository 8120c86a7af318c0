#include "ledger/UsageReport.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

namespace aicore::host {
namespace {

// Column name -> its SQL expression. Only these names reach the SQL text.
const std::vector<std::pair<std::string, std::string>>& column_sql() {
  static const std::vector<std::pair<std::string, std::string>> cols{
      {"key", "key"},
      {"model", "model"},
      {"client_model", "client_model"},
      {"dialect", "dialect"},
      {"plugin", "plugin"},
      {"subaccount", "subaccount"},
      {"deployment", "deployment"},
      {"status", "CAST(status AS TEXT)"},
      {"day", "strftime('%Y-%m-%d', time_ms / 1000, 'unixepoch')"},
      {"hour", "strftime('%Y-%m-%dT%H:00Z', time_ms / 1000, 'unixepoch')"}};
  return cols;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int64_t number(std::string_view s) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) throw UsageQueryError("a number is too large");
  return v;
}

// "7d" and the like, as milliseconds; -1 when `s` is not a duration.
int64_t duration_ms(std::string_view s) {
  if (s.size() < 2 || !all_digits(s.substr(0, s.size() - 1))) return -1;
  const int64_t n = number(s.substr(0, s.size() - 1));
  if (n > 100000LL * 86400) throw UsageQueryError("a duration is too long");
  switch (s.back()) {
    case 's': return n * 1000;
    case 'm': return n * 60000;
    case 'h': return n * 3600000;
    case 'd': return n * 86400000;
    case 'w': return n * 7 * 86400000;
    default: return -1;
  }
}

// "2026-12-01", "2026-12-01T10:00:00Z" or the same without the Z (UTC), as Unix ms; -1 when not one.
int64_t date_ms(std::string_view s) {
  static constexpr std::string_view kDate = "dddd-dd-dd", kTime = "dddd-dd-ddTdd:dd:dd";
  auto shaped = [&s](std::string_view shape) {
    for (size_t i = 0; i < shape.size(); ++i)
      if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i]) return false;
    return true;
  };
  const bool date_only = s.size() == kDate.size();
  const bool with_time = s.size() == kTime.size() || (s.size() == kTime.size() + 1 && s.back() == 'Z');
  if (!(date_only || with_time) || !shaped(date_only ? kDate : kTime)) return -1;
  auto num = [&s](size_t at, size_t n) { return static_cast<int>(number(s.substr(at, n))); };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  if (with_time) {
    tm.tm_hour = num(11, 2);
    tm.tm_min = num(14, 2);
    tm.tm_sec = num(17, 2);
  }
  if (tm.tm_year < 70 || tm.tm_mon > 11 || tm.tm_mon < 0 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60)
    return -1;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

int64_t time_ms(std::string_view s, const char* name, int64_t now_ms) {
  if (const int64_t d = duration_ms(s); d >= 0) return now_ms - d;
  if (const int64_t t = date_ms(s); t >= 0) return t;
  if (all_digits(s)) return number(s) * 1000;
  throw UsageQueryError(std::string(name) + " must be a duration back from now (90s, 30m, 24h, 7d, 4w), a UTC date " +
                        "(2026-12-01), a UTC time (2026-12-01T10:00:00Z) or Unix seconds");
}

std::string column_expr(const std::string& name) {
  for (const auto& [n, sql] : column_sql())
    if (n == name) return sql;
  return {};
}

}  // namespace

const std::vector<std::string>& usage_columns() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& c : column_sql()) n.push_back(c.first);
    return n;
  }();
  return names;
}

UsageQuery parse_usage_query(std::string_view since, std::string_view until, std::string_view by, int64_t now_ms) {
  UsageQuery q;
  q.since_ms = since.empty() ? now_ms - 86400000 : time_ms(since, "since", now_ms);
  // "now" includes this millisecond's rows.
  q.until_ms = until.empty() ? now_ms + 1 : time_ms(until, "until", now_ms);
  if (q.until_ms <= q.since_ms) throw UsageQueryError("until must be later than since");
  while (!by.empty()) {
    const size_t comma = by.find(',');
    std::string col(by.substr(0, comma));
    by = comma == std::string_view::npos ? std::string_view() : by.substr(comma + 1);
    col.erase(0, col.find_first_not_of(' '));
    col.erase(col.find_last_not_of(' ') + 1);
    if (col.empty()) continue;
    if (column_expr(col).empty()) {
      std::string names;
      for (const auto& n : usage_columns()) names += (names.empty() ? "" : ", ") + n;
      throw UsageQueryError("cannot group by '" + col.substr(0, 64) + "'; by takes: " + names);
    }
    if (std::find(q.by.begin(), q.by.end(), col) == q.by.end()) q.by.push_back(col);
  }
  return q;
}

namespace {
// Adds `g`'s requests, errors and tokens into `into` (the average latency is the caller's: it
// needs both request counts).
void add_counts(UsageGroup& into, const UsageGroup& g) {
  into.requests += g.requests;
  into.errors += g.errors;
  into.input_tokens += g.input_tokens;
  into.output_tokens += g.output_tokens;
  into.cache_read_tokens += g.cache_read_tokens;
  into.cache_write_tokens += g.cache_write_tokens;
  into.reasoning_tokens += g.reasoning_tokens;
}

// Largest token use first, then most requests, then by the grouped values.
void sort_groups(std::vector<UsageGroup>& groups) {
  std::stable_sort(groups.begin(), groups.end(), [](const UsageGroup& a, const UsageGroup& b) {
    const int64_t ta = a.input_tokens + a.output_tokens, tb = b.input_tokens + b.output_tokens;
    return ta != tb ? ta > tb : a.requests != b.requests ? a.requests > b.requests : a.values < b.values;
  });
}
}  // namespace

std::vector<UsageGroup> run_usage_query(const LedgerDb& db, const UsageQuery& q) {
  std::string cols;
  for (const auto& c : q.by) cols += column_expr(c) + ", ";
  std::string sql = "SELECT " + cols +
                    "COUNT(*), COALESCE(SUM(status >= 400), 0), COALESCE(SUM(input_tokens), 0),"
                    " COALESCE(SUM(output_tokens), 0), COALESCE(SUM(cache_read_tokens), 0),"
                    " COALESCE(SUM(cache_write_tokens), 0), COALESCE(SUM(reasoning_tokens), 0),"
                    " COALESCE(AVG(latency_ms), 0) FROM requests WHERE time_ms >= ? AND time_ms < ?";
  if (!q.by.empty()) {
    std::string group;
    for (size_t i = 1; i <= q.by.size(); ++i) group += (i > 1 ? ", " : "") + std::to_string(i);
    sql += " GROUP BY " + group;
  }
  Statement st(db, sql);
  st.bind(1, q.since_ms);
  st.bind(2, q.until_ms);
  std::vector<UsageGroup> out;
  while (st.step()) {
    UsageGroup g;
    int c = 0;
    for (size_t i = 0; i < q.by.size(); ++i) g.values.push_back(st.text(c++));
    g.requests = st.integer(c++);
    g.errors = st.integer(c++);
    g.input_tokens = st.integer(c++);
    g.output_tokens = st.integer(c++);
    g.cache_read_tokens = st.integer(c++);
    g.cache_write_tokens = st.integer(c++);
    g.reasoning_tokens = st.integer(c++);
    g.avg_latency_ms = st.real(c++);
    out.push_back(std::move(g));
  }
  sort_groups(out);
  return out;
}

std::vector<UsageGroup> merge_usage(const std::vector<std::vector<UsageGroup>>& reports) {
  std::map<std::vector<std::string>, UsageGroup> by_values;
  for (const auto& report : reports)
    for (const UsageGroup& g : report) {
      auto [it, fresh] = by_values.try_emplace(g.values, g);
      if (fresh) continue;
      UsageGroup& m = it->second;
      const int64_t requests = m.requests + g.requests;
      if (requests > 0)
        m.avg_latency_ms =
            (m.avg_latency_ms * double(m.requests) + g.avg_latency_ms * double(g.requests)) / double(requests);
      add_counts(m, g);
    }
  std::vector<UsageGroup> out;
  out.reserve(by_values.size());
  for (auto& [values, g] : by_values) out.push_back(std::move(g));
  sort_groups(out);
  return out;
}

std::string iso_utc(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

const char* const kNumberColumns[] = {
    "requests",           "errors",           "input_tokens",  "output_tokens", "cache_read_tokens",
    "cache_write_tokens", "reasoning_tokens", "avg_latency_ms"};

std::vector<std::string> numbers(const UsageGroup& g) {
  return {std::to_string(g.requests),          std::to_string(g.errors),
          std::to_string(g.input_tokens),      std::to_string(g.output_tokens),
          std::to_string(g.cache_read_tokens), std::to_string(g.cache_write_tokens),
          std::to_string(g.reasoning_tokens),  fmt::format("{:.1f}", g.avg_latency_ms)};
}

UsageGroup total_of(const std::vector<UsageGroup>& groups) {
  UsageGroup t;
  double latency_sum = 0;
  for (const auto& g : groups) {
    add_counts(t, g);
    latency_sum += g.avg_latency_ms * static_cast<double>(g.requests);
  }
  t.avg_latency_ms = t.requests ? latency_sum / static_cast<double>(t.requests) : 0;
  return t;
}

// A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string usage_json(const UsageQuery& q, const std::vector<UsageGroup>& groups) {
  auto members = [](nlohmann::ordered_json& o, const UsageGroup& g) {
    o["requests"] = g.requests;
    o["errors"] = g.errors;
    o["input_tokens"] = g.input_tokens;
    o["output_tokens"] = g.output_tokens;
    o["cache_read_tokens"] = g.cache_read_tokens;
    o["cache_write_tokens"] = g.cache_write_tokens;
    o["reasoning_tokens"] = g.reasoning_tokens;
    o["avg_latency_ms"] = std::round(g.avg_latency_ms * 10) / 10;
  };
  nlohmann::ordered_json j;
  j["since"] = iso_utc(q.since_ms);
  j["until"] = iso_utc(q.until_ms);
  j["by"] = q.by;
  j["rows"] = nlohmann::ordered_json::array();
  for (const auto& g : groups) {
    nlohmann::ordered_json row;
    for (size_t i = 0; i < q.by.size(); ++i) row[q.by[i]] = g.values[i];
    members(row, g);
    j["rows"].push_back(std::move(row));
  }
  nlohmann::ordered_json total;
  members(total, total_of(groups));
  j["total"] = std::move(total);
  // Names and models are config names, but a client_model is what a client typed: replace, not throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string usage_csv(const UsageQuery& q, const std::vector<UsageGroup>& groups) {
  std::string out;
  for (const auto& c : q.by) out += c + ",";
  for (size_t i = 0; i < std::size(kNumberColumns); ++i) out += std::string(i ? "," : "") + kNumberColumns[i];
  out += "\r\n";
  for (const auto& g : groups) {
    for (const auto& v : g.values) out += csv_field(v) + ",";
    const auto n = numbers(g);
    for (size_t i = 0; i < n.size(); ++i) out += (i ? "," : "") + n[i];
    out += "\r\n";
  }
  return out;
}

std::string usage_table(const UsageQuery& q, const std::vector<UsageGroup>& groups) {
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> head(q.by.begin(), q.by.end());
  for (const char* c : kNumberColumns) head.emplace_back(c);
  cells.push_back(head);
  for (const auto& g : groups) {
    auto row = g.values;
    for (auto& v : row)
      if (v.empty()) v = "-";
    for (auto& n : numbers(g)) row.push_back(std::move(n));
    cells.push_back(std::move(row));
  }
  if (!q.by.empty()) {
    std::vector<std::string> row(q.by.size(), "");
    row[0] = "total";
    for (auto& n : numbers(total_of(groups))) row.push_back(std::move(n));
    cells.push_back(std::move(row));
  }
  std::vector<size_t> width(head.size(), 0);
  for (const auto& r : cells)
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  std::string out = "usage " + iso_utc(q.since_ms) + " .. " + iso_utc(q.until_ms) + "\n";
  for (const auto& r : cells) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      const size_t pad = width[i] - r[i].size();
      if (i < q.by.size())
        line += r[i] + std::string(pad, ' ');  // names left-aligned, numbers right-aligned
      else
        line += std::string(pad, ' ') + r[i];
      if (i + 1 < r.size()) line += "  ";
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace aicore::host

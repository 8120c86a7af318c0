#include "net/Framing.hpp"

#include <Poco/Ascii.h>
#include <Poco/String.h>

#include <string_view>

#include <vector>

namespace aicore::host::net {
namespace {

// ASCII case-insensitive equality with `lower` (a lower-case field name).
bool is_field(const std::string& name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (size_t i = 0; i < lower.size(); ++i)
    if (Poco::Ascii::toLower(name[i]) != lower[i]) return false;
  return true;
}

// The values of Transfer-Encoding and Content-Length, from one pass over the head (Poco's own
// lookups compare every field case-insensitively for each name asked).
struct FramingFields {
  std::vector<const std::string*> te, cl;
  explicit FramingFields(const Poco::Net::HTTPRequest& req) {
    for (const auto& [name, value] : req)
      if (is_field(name, "transfer-encoding"))
        te.push_back(&value);
      else if (is_field(name, "content-length"))
        cl.push_back(&value);
  }
};

// Every value of `fields`, split at commas and trimmed (RFC 9110 5.3: a list may be sent as several
// fields or as one comma-separated field).
std::vector<std::string> list_values(const std::vector<const std::string*>& fields) {
  std::vector<std::string> out;
  for (const std::string* v : fields) {
    size_t start = 0;
    for (;;) {
      const size_t comma = v->find(',', start);
      std::string_view item(v->data() + start, (comma == std::string::npos ? v->size() : comma) - start);
      while (!item.empty() && Poco::Ascii::isSpace(item.front())) item.remove_prefix(1);
      while (!item.empty() && Poco::Ascii::isSpace(item.back())) item.remove_suffix(1);
      out.emplace_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

bool all_digits(const std::string& s) {
  if (s.empty() || s.size() > 18) return false;  // 18 digits: below 2^63, no overflow
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::optional<FramingError> framing_problem(const Poco::Net::HTTPRequest& req) {
  for (const auto& [name, value] : req)
    if (name.empty() || name.find_first_of(" \t") != std::string::npos)
      return FramingError{400, "malformed header field name '" + Poco::trim(name) + "': whitespace before the colon"};

  const FramingFields f(req);
  if (!f.te.empty() && !f.cl.empty())
    return FramingError{400, "Content-Length together with Transfer-Encoding is not allowed"};
  if (!f.te.empty()) {
    auto codings = list_values(f.te);
    for (auto& c : codings) Poco::toLowerInPlace(c);
    if (codings.empty() || codings.back() != "chunked")
      return FramingError{400, "Transfer-Encoding must end with chunked"};
    if (codings.size() > 1) {
      if (codings.front() == "chunked") return FramingError{400, "Transfer-Encoding applies chunked more than once"};
      return FramingError{501, "Transfer-Encoding '" + codings.front() +
                                   "' is not supported; send the body chunked or with Content-Length"};
    }
  }
  if (!f.cl.empty()) {
    const auto values = list_values(f.cl);
    for (const auto& v : values)
      if (!all_digits(v)) return FramingError{400, "invalid Content-Length '" + v.substr(0, 40) + "'"};
    for (const auto& v : values)
      if (v != values.front()) return FramingError{400, "conflicting Content-Length values"};
  }
  return std::nullopt;
}

int64_t declared_body_length(const Poco::Net::HTTPRequest& req) {
  const FramingFields f(req);
  if (!f.te.empty()) return -1;
  if (f.cl.empty()) return 0;
  const auto values = list_values(f.cl);
  return values.empty() || !all_digits(values.front()) ? 0 : std::stoll(values.front());
}

}  // namespace aicore::host::net

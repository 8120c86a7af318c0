#include "net/Framing.hpp"

#include <Poco/String.h>

#include <vector>

namespace aicore::host::net {
namespace {

// Every value of every field called `name`, split at commas and trimmed (RFC 9110 5.3: a list
// may be sent as several fields or as one comma-separated field).
std::vector<std::string> list_values(const Poco::Net::HTTPRequest& req, const std::string& name) {
  std::vector<std::string> out;
  for (auto it = req.find(name); it != req.end() && Poco::icompare(it->first, name) == 0; ++it) {
    const std::string& v = it->second;
    size_t start = 0;
    for (;;) {
      size_t comma = v.find(',', start);
      out.push_back(Poco::trim(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
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

  const bool has_te = req.has(Poco::Net::HTTPMessage::TRANSFER_ENCODING);
  const bool has_cl = req.has(Poco::Net::HTTPMessage::CONTENT_LENGTH);
  if (has_te && has_cl) return FramingError{400, "Content-Length together with Transfer-Encoding is not allowed"};
  if (has_te) {
    auto codings = list_values(req, Poco::Net::HTTPMessage::TRANSFER_ENCODING);
    for (auto& c : codings) Poco::toLowerInPlace(c);
    if (codings.empty() || codings.back() != "chunked")
      return FramingError{400, "Transfer-Encoding must end with chunked"};
    if (codings.size() > 1) {
      if (codings.front() == "chunked") return FramingError{400, "Transfer-Encoding applies chunked more than once"};
      return FramingError{501, "Transfer-Encoding '" + codings.front() +
                                   "' is not supported; send the body chunked or with Content-Length"};
    }
  }
  if (has_cl) {
    auto values = list_values(req, Poco::Net::HTTPMessage::CONTENT_LENGTH);
    for (const auto& v : values)
      if (!all_digits(v)) return FramingError{400, "invalid Content-Length '" + v.substr(0, 40) + "'"};
    for (const auto& v : values)
      if (v != values.front()) return FramingError{400, "conflicting Content-Length values"};
  }
  return std::nullopt;
}

int64_t declared_body_length(const Poco::Net::HTTPRequest& req) {
  if (req.has(Poco::Net::HTTPMessage::TRANSFER_ENCODING)) return -1;
  if (!req.has(Poco::Net::HTTPMessage::CONTENT_LENGTH)) return 0;
  auto values = list_values(req, Poco::Net::HTTPMessage::CONTENT_LENGTH);
  return values.empty() || !all_digits(values.front()) ? 0 : std::stoll(values.front());
}

}  // namespace aicore::host::net

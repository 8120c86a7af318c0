#include "server/HttpUtil.hpp"

#include <Poco/String.h>

#include <algorithm>
#include <istream>
#include <random>

namespace aicore::host {

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string id = "req_";
  for (int i = 0; i < 2; ++i) {
    uint64_t v = rng();
    for (int j = 0; j < 12; ++j, v >>= 4) id.push_back(hex[v & 15]);
  }
  return id;
}

std::string read_body(Poco::Net::HTTPServerRequest& req, int64_t limit) {
  const std::streamsize declared = req.getContentLength();
  if (declared != Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH && declared > limit)
    throw BodyTooLarge("request body of " + std::to_string(declared) + " bytes exceeds the limit of " +
                       std::to_string(limit) + " bytes");
  std::string body;
  if (declared > 0) body.reserve(static_cast<size_t>(declared));
  std::istream& in = req.stream();
  char buf[65536];
  while (in) {
    in.read(buf, sizeof buf);
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    if (static_cast<int64_t>(body.size()) + n > limit)
      throw BodyTooLarge("request body exceeds the limit of " + std::to_string(limit) + " bytes");
    body.append(buf, static_cast<size_t>(n));
  }
  return body;
}

void discard_body(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
  const std::streamsize n = req.getContentLength();
  if (n == 0 || (n == Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH && !req.getChunkedTransferEncoding())) return;
  if (n > 0 && n <= (1 << 20)) {
    req.stream().ignore(n);
    return;
  }
  resp.setKeepAlive(false);
}

void send_json(Poco::Net::HTTPServerResponse& resp, int status, std::string_view body) {
  resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  resp.setContentType("application/json");
  resp.setContentLength(static_cast<std::streamsize>(body.size()));
  resp.sendBuffer(body.data(), body.size());
}

HeaderList::HeaderList(const Poco::Net::HTTPServerRequest& req, bool include_secrets) {
  for (const auto& [name, value] : req) {
    std::string n = Poco::toLower(name);
    if (!include_secrets && (n == "authorization" || n == "x-api-key" || n == "cookie" || n == "proxy-authorization"))
      continue;
    store_.emplace_back(std::move(n), value);
  }
  views_.reserve(store_.size());
  for (const auto& [n, v] : store_) views_.push_back(acp_header{{n.data(), n.size()}, {v.data(), v.size()}});
}

}  // namespace aicore::host

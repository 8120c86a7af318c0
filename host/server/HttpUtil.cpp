#include "server/HttpUtil.hpp"

#include <chrono>

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
  // peek() waits for the next piece, readsome() takes what arrived: a read() that times out
  // midway would lose the count of what it had already copied.
  for (;;) {
    if (in.peek() == std::char_traits<char>::eof()) break;
    std::streamsize n = in.readsome(buf, sizeof buf);
    if (n <= 0) continue;
    if (static_cast<int64_t>(body.size()) + n > limit)
      throw BodyTooLarge("request body exceeds the limit of " + std::to_string(limit) + " bytes");
    body.append(buf, static_cast<size_t>(n));
  }
  // A read timeout or reset inside the stream sets badbit (istream swallows the exception).
  if (in.bad() || (declared > 0 && static_cast<int64_t>(body.size()) < declared))
    throw BodyIncomplete("request body incomplete: received " + std::to_string(body.size()) +
                         (declared > 0 ? " of " + std::to_string(declared) : std::string()) +
                         " bytes before the client stalled or closed the connection");
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

void linger_discard(Poco::Net::HTTPServerRequest& req, int64_t max_bytes, int max_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_ms);
  std::istream& in = req.stream();
  char buf[65536];
  int64_t dropped = 0;
  while (dropped < max_bytes && std::chrono::steady_clock::now() < until) {
    if (in.peek() == std::char_traits<char>::eof()) break;
    const std::streamsize n = in.readsome(buf, sizeof buf);
    if (n > 0) dropped += n;
  }
}

void send_json(Poco::Net::HTTPServerResponse& resp, int status, std::string_view body) {
  // With its reason phrase ("429 Too Many Requests"), not Poco's default "OK".
  const auto st = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status);
  resp.setStatusAndReason(st, Poco::Net::HTTPResponse::getReasonForStatus(st));
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

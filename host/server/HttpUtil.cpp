#include "server/HttpUtil.hpp"

#include <chrono>

#include <Poco/Ascii.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <istream>
#include <random>

#include <poll.h>

#include "net/BytesAtHand.hpp"
#include "net/Framing.hpp"

namespace aicore::host {

// Answers up to this size go out with sendBuffer() (see deliver_json).
constexpr size_t kSmallAnswer = 64 * 1024;

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

std::string read_body(Poco::Net::HTTPServerRequest& req, const ServerSettings& server) {
  const int64_t limit = server.max_body_bytes;
  if (net::declared_body_length(req) == 0) return {};  // Poco would read a POST without framing to the close
  const std::streamsize declared = req.getContentLength();
  if (declared != Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH && declared > limit)
    throw BodyTooLarge("request body of " + std::to_string(declared) + " bytes exceeds the limit of " +
                       std::to_string(limit) + " bytes");
  std::string body;
  if (declared > 0) body.reserve(static_cast<size_t>(declared));
  // The minimum rate: after the grace period the body must have arrived at min_body_rate_bytes_s
  // on average, so each wait for more bytes ends when the count would fall behind.
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req);
  // A body already at hand (the usual small one, read with the head) needs no pacing.
  if (impl && declared > 0 && net::bytes_at_hand(*impl) >= declared) impl = nullptr;
  const auto start = std::chrono::steady_clock::now();
  const auto silence = std::chrono::seconds(server.client_timeout_s);
  auto timeout_set = std::chrono::steady_clock::duration(silence);
  bool rate_bound = false;  // the last wait was cut by the rate, not by client_timeout_s
  auto pace = [&] {
    if (!impl || server.min_body_rate_bytes_s <= 0) return;
    const auto now = std::chrono::steady_clock::now();
    const auto due =
        start + std::chrono::seconds(server.body_grace_s) +
        std::chrono::milliseconds((static_cast<int64_t>(body.size()) + 1) * 1000 / server.min_body_rate_bytes_s);
    auto wait = std::min<std::chrono::steady_clock::duration>(
        silence, std::max<std::chrono::steady_clock::duration>(due - now, std::chrono::milliseconds(1)));
    rate_bound = wait < silence;
    // setsockopt only when the timeout moves noticeably (a body arrives in many small reads).
    if (std::chrono::abs(wait - timeout_set) > std::chrono::milliseconds(100)) {
      impl->socket().setReceiveTimeout(
          Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(wait).count()));
      timeout_set = wait;
    }
  };
  std::istream& in = req.stream();
  char buf[65536];
  // peek() waits for the next piece, readsome() takes what arrived: a read() that times out
  // midway would lose the count of what it had already copied.
  for (;;) {
    pace();
    if (in.peek() == std::char_traits<char>::eof()) break;
    std::streamsize n = in.readsome(buf, sizeof buf);
    if (n <= 0) continue;
    if (static_cast<int64_t>(body.size()) + n > limit)
      throw BodyTooLarge("request body exceeds the limit of " + std::to_string(limit) + " bytes");
    body.append(buf, static_cast<size_t>(n));
  }
  if (impl && timeout_set != std::chrono::steady_clock::duration(silence))
    impl->socket().setReceiveTimeout(Poco::Timespan(server.client_timeout_s, 0));
  // A read timeout or reset inside the stream sets badbit (istream swallows the exception).
  if (in.bad() || (declared > 0 && static_cast<int64_t>(body.size()) < declared)) {
    const std::string got = "received " + std::to_string(body.size()) +
                            (declared > 0 ? " of " + std::to_string(declared) : std::string()) + " bytes";
    if (rate_bound)
      throw BodyIncomplete(
          "request body too slow: " + got + " in " +
          std::to_string(
              std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count()) +
          " s (the minimum is " + std::to_string(server.min_body_rate_bytes_s) + " bytes/s after " +
          std::to_string(server.body_grace_s) + " s)");
    throw BodyIncomplete("request body incomplete: " + got + " before the client stalled or closed the connection");
  }
  return body;
}

void send_json(Poco::Net::HTTPServerResponse& resp, int status, std::string_view body) {
  // With its reason phrase ("429 Too Many Requests"), not Poco's default "OK".
  const auto st = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status);
  resp.setStatusAndReason(st, Poco::Net::HTTPResponse::getReasonForStatus(st));
  resp.setContentType("application/json");
  resp.setContentLength(static_cast<std::streamsize>(body.size()));
  resp.sendBuffer(body.data(), body.size());
}

namespace {

// Whether the client's connection is already reset or shut down (POLLHUP, POLLERR), asked without
// blocking or reading: what a failed write would say, for an answer small enough to be written
// after the handler returns.
bool connection_gone(Poco::Net::HTTPServerRequest& req) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req);
  if (!impl) return false;
  pollfd p{impl->socket().impl()->sockfd(), 0, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

}  // namespace

bool deliver_json(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, int status,
                  std::string_view body) {
  const auto st = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status);
  resp.setStatusAndReason(st, Poco::Net::HTTPResponse::getReasonForStatus(st));
  resp.setContentType("application/json");
  resp.setContentLength(static_cast<std::streamsize>(body.size()));
  if (body.size() <= kSmallAnswer) {
    // Head and body through one buffered stream, written when the response ends: Poco's send()
    // formats the head twice (once to count it) and writes it a character at a time, 6 % of a
    // pass-through request's instructions. The write's failure would come too late to tell, so
    // ask the socket whether the client is gone.
    const bool gone = connection_gone(req);
    resp.sendBuffer(body.data(), body.size());
    return !gone;
  }
  std::ostream& out = resp.send();
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.flush();
  return out.good();
}

HeaderList::HeaderList(const Poco::Net::HTTPServerRequest& req, bool include_secrets) {
  views_.reserve(req.size() + 1);  // no regrowth: each request's head is read once or twice
  for (const auto& [name, value] : req) {
    std::string n(name.size(), '\0');
    std::transform(name.begin(), name.end(), n.begin(), [](char c) { return Poco::Ascii::toLower(c); });
    if (!include_secrets && (n == "authorization" || n == "x-api-key" || n == "x-goog-api-key" || n == "cookie" ||
                             n == "proxy-authorization"))
      continue;
    const std::string& owned = owned_.emplace_back(std::move(n));
    views_.push_back(acp_header{{owned.data(), owned.size()}, {value.data(), value.size()}});
  }
}

void HeaderList::add(std::string name, std::string value) {
  const std::string& n = owned_.emplace_back(std::move(name));
  const std::string& v = owned_.emplace_back(std::move(value));
  views_.push_back(acp_header{{n.data(), n.size()}, {v.data(), v.size()}});
}

}  // namespace aicore::host

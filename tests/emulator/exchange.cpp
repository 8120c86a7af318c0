#include "exchange.hpp"

#include "text.hpp"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <cstdio>

namespace aicore::emulator {

using Poco::Net::HTTPResponse;

static Poco::Net::StreamSocket* socketOf(Poco::Net::HTTPServerRequest& req) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req);
  return impl ? &impl->socket() : nullptr;
}

std::string Exchange::peerCertificateCn() {
  Poco::Net::StreamSocket* s = socketOf(req_);
  if (!s || !s->secure()) return {};
  try {
    Poco::Net::SecureStreamSocket secure(*s);
    return secure.havePeerCertificate() ? secure.peerCertificate().commonName() : std::string();
  } catch (const Poco::Exception&) { return {}; }
}

Exchange::Exchange(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, Emulator& e)
    : emu(e), req_(req), resp_(resp) {
  const std::string& uri = req.getURI();
  size_t q = uri.find('?');
  path_ = uri.substr(0, q);
  if (q != std::string::npos) query_ = uri.substr(q + 1);
  // Drain the body up front: keep-alive needs it consumed and every handler wants it. A request
  // with neither Content-Length nor chunked encoding has no body (RFC 9112); Poco would otherwise
  // read until the client closes, which hangs e.g. `curl -X POST` without data.
  if (req.getChunkedTransferEncoding() || req.hasContentLength()) {
    // Reserve what the client announced, within reason: the header is not proof of the body.
    if (req.hasContentLength())
      body_.reserve(static_cast<size_t>(std::min<Poco::Int64>(req.getContentLength64(), 1 << 24)));
    Poco::StreamCopier::copyToString(req.stream(), body_);
  }
  // Events and small answers must leave immediately: without TCP_NODELAY, Nagle plus delayed ACKs
  // add ~40 ms to header/body write pairs and to every streamed event.
  if (auto* s = socketOf(req)) {
    try {
      s->setNoDelay(true);
    } catch (...) {}
  }
}

std::optional<std::string> Exchange::queryParam(std::string_view name) const {
  for (auto& [k, v] : parseUrlEncoded(query_))
    if (k == name) return v;
  return std::nullopt;
}

std::optional<std::string> Exchange::header(const std::string& name) const {
  auto it = req_.find(name);  // case-insensitive
  if (it == req_.end()) return std::nullopt;
  return it->second;
}

void Exchange::send(int status, std::string_view contentType, std::string_view body, const HeaderList& extra) {
  if (pendingAbort) {
    abortConnection(pendingAbort->reset);
    return;
  }
  if (pendingTruncate) {
    // The whole Content-Length is promised, only the first bytes come, then FIN.
    const size_t n = *pendingTruncate < 0 ? body.size() / 2 : std::min<size_t>(body.size(), *pendingTruncate);
    resp_.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
    resp_.setContentType(std::string(contentType));
    for (const auto& [k, v] : extra) resp_.set(k, v);
    resp_.setContentLength(static_cast<std::streamsize>(body.size()));
    std::ostream& os = resp_.send();
    os.write(body.data(), static_cast<std::streamsize>(n));
    os.flush();
    abortConnection(false);
    return;
  }
  resp_.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
  resp_.setContentType(std::string(contentType));
  for (const auto& [k, v] : extra) resp_.set(k, v);
  resp_.sendBuffer(body.data(), body.size());
  answered_ = true;
  status_ = status;
}

std::ostream& Exchange::startStream(std::string_view contentType) {
  resp_.setStatusAndReason(HTTPResponse::HTTP_OK);
  resp_.setContentType(std::string(contentType));
  resp_.setChunkedTransferEncoding(true);
  resp_.set("Cache-Control", "no-cache");
  answered_ = true;
  status_ = 200;
  return resp_.send();
}

bool Exchange::writeEvent(std::ostream& out, std::string_view bytes) {
  if (pendingTruncate) {
    const long long cut =
        *pendingTruncate < 0 ? static_cast<long long>(bytes.size() / 2) : *pendingTruncate - streamed_;
    if (cut < static_cast<long long>(bytes.size())) {
      // This chunk is announced whole and sent in part, written past Poco's chunked stream.
      out.flush();
      char size[24];
      std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
      std::string raw = size;
      raw.append(bytes.substr(0, static_cast<size_t>(std::max<long long>(cut, 0))));
      if (auto* s = socketOf(req_)) {
        try {
          s->sendBytes(raw.data(), static_cast<int>(raw.size()));
        } catch (...) {}
      }
      abortConnection(false);
      return false;
    }
  }
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  streamed_ += static_cast<long long>(bytes.size());
  return out.good();
}

void Exchange::abortConnection(bool reset) {
  // Poco would finish the response (and write the last chunk) after the handler returns; closing
  // the shared socket here makes those writes fail quietly, and keep-alive off ends the loop.
  resp_.setKeepAlive(false);
  if (auto* s = socketOf(req_)) {
    try {
      if (reset) s->setLinger(true, 0);  // close() with zero linger sends RST
      s->close();
    } catch (...) {}
  }
  answered_ = true;
  aborted_ = true;
}

}  // namespace aicore::emulator

#pragma once
// One HTTP request/response pair, as handlers see it: parsed path and query, the drained body,
// helpers to answer, and what the request log should say about it.
#include "json.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <concepts>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace aicore::emulator {

struct Emulator;

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A drop/reset fault armed for later: the connection dies after `afterEvents` streamed events,
// or instead of any non-streamed answer.
struct PendingAbort {
  int afterEvents = 0;
  bool reset = false;      // RST instead of FIN
  bool afterDone = false;  // azure: send [DONE], then die before the closing zero-length chunk
};

class Exchange {
 public:
  Exchange(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, Emulator& emu);

  Emulator& emu;

  const std::string& method() const { return req_.getMethod(); }
  const std::string& path() const { return path_; }
  const std::string& rawQuery() const { return query_; }
  const std::string& body() const { return body_; }
  std::optional<std::string> queryParam(std::string_view name) const;
  std::optional<std::string> header(const std::string& name) const;
  Poco::Net::HTTPServerRequest& request() { return req_; }
  // The common name of the certificate the client presented and the mTLS listener verified;
  // empty on the plain listener.
  std::string peerCertificateCn();

  // Answers with a complete body. If a drop/reset is armed, kills the connection instead.
  void send(int status, std::string_view contentType, std::string_view body, const HeaderList& extra = {});
  void sendJson(int status, std::string_view json, const HeaderList& extra = {}) {
    send(status, "application/json", json, extra);
  }
  // Constrained to Json itself: Json converts from almost anything, strings included.
  template <class J>
  requires std::same_as<std::remove_cvref_t<J>, Json>
  void sendJson(int status, const J& j, const HeaderList& extra = {}) {
    sendJson(status, std::string_view(dump(j)), extra);
  }

  // Sends 200 headers for a chunked event stream and returns the body stream.
  std::ostream& startStream(std::string_view contentType);
  // Writes one streamed event as its own chunk. An armed truncate fault cuts the body inside the
  // chunk holding its byte `after_bytes` (or half-way through the first event) and closes the
  // connection (FIN) with no last chunk. False once the stream is dead.
  bool writeEvent(std::ostream& out, std::string_view bytes);

  // Closes the TCP connection now, with FIN (drop) or RST (reset); nothing more is sent.
  void abortConnection(bool reset);

  bool answered() const { return answered_; }
  bool aborted() const { return aborted_; }
  int status() const { return status_; }

  std::optional<PendingAbort> pendingAbort;
  // A truncate fault: body bytes sent before the connection closes (-1: half-way; see README).
  std::optional<long long> pendingTruncate;
  // Annotations for the request log.
  std::string deploymentId;
  std::string clientId;
  std::string faultName;

 private:
  Poco::Net::HTTPServerRequest& req_;
  Poco::Net::HTTPServerResponse& resp_;
  std::string path_, query_, body_;
  long long streamed_ = 0;  // body bytes of the stream sent so far
  bool answered_ = false;
  bool aborted_ = false;
  int status_ = 0;
};

}  // namespace aicore::emulator

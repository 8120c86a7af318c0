// Small helpers shared by the handlers: request ids, bounded body reads, JSON answers.
#pragma once

#include <aicore/abi.h>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/Config.hpp"

namespace aicore::host {

// "req_" + 24 hex characters; unique enough to grep logs by.
std::string new_request_id();

struct BodyTooLarge : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The body stopped before its end: the client stalled past server.client_timeout_s, or went away.
struct BodyIncomplete : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads the whole request body; throws BodyTooLarge past `server.max_body_bytes` (checked against
// Content-Length before reading when the client sends one), BodyIncomplete when fewer bytes than
// Content-Length arrive, the client is silent for `client_timeout_s`, the body arrives slower than
// `min_body_rate_bytes_s` on average once `body_grace_s` have passed, or the connection fails
// mid-body (a truncated body must not be parsed). A request with neither Content-Length nor
// Transfer-Encoding has no body (RFC 9112 6.3). What a handler leaves unread is the connection
// layer's to discard (net/RequestRunner), after the handler and its in-flight slot are gone.
std::string read_body(Poco::Net::HTTPServerRequest& req, const ServerSettings& server);

// Sends a complete JSON answer.
void send_json(Poco::Net::HTTPServerResponse& resp, int status, std::string_view body);

// The same, saying whether it left: into a client connection that is already closed (the drain's
// end, a client that went away and reset) the access log must not record the 200 nobody received.
// (An answer up to 64 KiB is written when the response ends; `req`'s socket says whether the
// connection is already reset or shut down.)
bool deliver_json(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, int status,
                  std::string_view body);

// The request's headers with lower-case names, as the ABI passes them. The names (and added
// headers) are owned here; the values of the request's own headers point into `req`, which must
// outlive the list and not change meanwhile (copying them was a third of building the list).
class HeaderList {
 public:
  HeaderList(const Poco::Net::HTTPServerRequest& req, bool include_secrets);
  const std::vector<acp_header>& headers() const { return views_; }
  // One more header (name in lower case), e.g. the Gemini API's ?key= as x-goog-api-key.
  void add(std::string name, std::string value);

 private:
  std::deque<std::string> owned_;  // a deque: adding never moves the strings the views point into
  std::vector<acp_header> views_;
};

}  // namespace aicore::host

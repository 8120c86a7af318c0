// Small helpers shared by the handlers: request ids, bounded body reads, JSON answers.
#pragma once

#include <aicore/abi.h>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

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

// Reads the whole request body; throws BodyTooLarge past `limit` bytes (checked against
// Content-Length before reading when the client sends one), BodyIncomplete when fewer bytes than
// Content-Length arrive or the connection fails mid-body (a truncated body must not be parsed).
std::string read_body(Poco::Net::HTTPServerRequest& req, int64_t limit);

// Before answering a request whose body was not read (401, 405, ...): small bodies are drained so
// the keep-alive connection stays in sync; larger or unknown-length ones close the connection.
void discard_body(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp);

// After an early answer on a connection that will close (413): reads and drops what the client is
// still sending, up to `max_bytes` or `max_ms`, so that the close does not reset the connection
// (a reset can destroy the answer in the client's receive buffer before the client reads it).
void linger_discard(Poco::Net::HTTPServerRequest& req, int64_t max_bytes, int max_ms);

// Sends a complete JSON answer.
void send_json(Poco::Net::HTTPServerResponse& resp, int status, std::string_view body);

// The request's headers with lower-case names, as the ABI passes them. Owns the strings; the
// acp_header views point into it.
class HeaderList {
 public:
  HeaderList(const Poco::Net::HTTPServerRequest& req, bool include_secrets);
  const std::vector<acp_header>& headers() const { return views_; }

 private:
  std::vector<std::pair<std::string, std::string>> store_;
  std::vector<acp_header> views_;
};

}  // namespace aicore::host

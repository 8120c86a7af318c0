// HTTP(S) client towards SAP AI Core: a keep-alive connection pool per origin, certificate
// verification on by default, connect and read timeouts, bounded answers. Used for inference and
// token calls.
//
// What it promises the attempt loop:
//  - an answer is complete or an UpstreamIoError: a body shorter than its Content-Length, a
//    chunked body without its last chunk, a connection lost mid-body all fail (BodyReader);
//  - answers are bounded: a 2xx body by upstream.max_response_bytes (token answers by their
//    call's max_body_bytes), an error body by kMaxErrorBodyBytes (the rest is not read); a stream
//    is passed on piece by piece (its events are bounded by the SDK's SseParser);
//  - a request goes out a second time, on a fresh connection, only when none of it reached the
//    upstream: a pooled connection found closed before sending is dropped (not used), and Poco
//    reconnects when the very first write fails. A connection that fails after the request was
//    written is an UpstreamIoError like any other: the retry policy decides, as an attempt;
//  - every wait ends by the call's CallDeadline while it is active, and at once when the drain
//    deadline aborts the calls in flight (InFlightCalls, UpstreamAborted).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>

#include "config/Config.hpp"
#include "upstream/CallDeadline.hpp"
#include "upstream/InFlightCalls.hpp"
#include "upstream/UpstreamErrors.hpp"
#include "upstream/UpstreamSession.hpp"
#include "upstream/Url.hpp"

namespace aicore::host {

// What is kept of a non-2xx answer's body: enough for any error message.
inline constexpr int64_t kMaxErrorBodyBytes = 64 << 10;
// A token answer (a JWT and a few fields) is a few kilobytes.
inline constexpr int64_t kMaxTokenAnswerBytes = 1 << 20;

struct UpstreamCall {
  std::string url;
  std::string method = "POST";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
  int read_timeout_s = 0;      // 0: upstream.read_timeout_s (token calls use upstream.token_timeout_s)
  int64_t max_body_bytes = 0;  // a 2xx body beyond it fails; 0: upstream.max_response_bytes
  // The request's retry.deadline_s (nullptr: none). Read before every wait: the caller clears
  // `active` once its stream is under way.
  const CallDeadline* deadline = nullptr;
  // A TLS context of its own (a client certificate: an X.509 service key's token request); its
  // connections are never pooled, so no other call ever goes out with that certificate. Null: the
  // shared upstream context.
  Poco::Net::Context::Ptr tls;
};

struct UpstreamResponse {
  int status = 0;
  std::string content_type;
  std::string retry_after;
  std::string body;  // whole body (send), or the error body (stream with status >= 300)
};

class UpstreamClient {
 public:
  explicit UpstreamClient(const UpstreamSettings& settings);
  // Tests give their own registry; the proxy uses InFlightCalls::process().
  UpstreamClient(const UpstreamSettings& settings, InFlightCalls& calls) : UpstreamClient(settings) { calls_ = &calls; }

  // Sends and reads the whole answer. Throws UpstreamIoError.
  UpstreamResponse send(const UpstreamCall& call);

  // Sends; on a 2xx answer calls `on_bytes` with each piece as it arrives (returning false stops
  // reading and drops the connection). Non-2xx answers are read into body (up to
  // kMaxErrorBodyBytes). Throws UpstreamIoError (including a connection lost mid-body).
  // `on_start` runs once, with status and content type, before the first piece of a 2xx body.
  using StartFn = std::function<void(const UpstreamResponse&)>;
  using BytesFn = std::function<bool(std::string_view)>;
  UpstreamResponse stream(const UpstreamCall& call, const StartFn& on_start, const BytesFn& on_bytes);

 private:
  using Session = std::unique_ptr<UpstreamSession>;
  Session acquire_(const Url& u, const UpstreamCall& call, bool& reused);
  void release_(const Url& u, Session s);
  UpstreamResponse exchange_(const UpstreamCall& call, const StartFn* on_start, const BytesFn* on_bytes);

  UpstreamSettings settings_;
  Poco::Net::Context::Ptr tls_;
  std::mutex mu_;
  std::map<std::string, std::vector<Session>> idle_;
  InFlightCalls* calls_ = &InFlightCalls::process();
};

}  // namespace aicore::host

// HTTP(S) client towards SAP AI Core: a keep-alive connection pool per origin, certificate
// verification on by default, connect and read timeouts. Used for inference and token calls.
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
#include "upstream/Url.hpp"

namespace aicore::host {

// Connection failures and timeouts: the request may be retried elsewhere.
struct UpstreamIoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct UpstreamCall {
  std::string url;
  std::string method = "POST";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
  int read_timeout_s = 0;  // 0: upstream.read_timeout_s (token calls use upstream.token_timeout_s)
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

  // Sends and reads the whole answer. Throws UpstreamIoError.
  UpstreamResponse send(const UpstreamCall& call);

  // Sends; on a 2xx answer calls `on_bytes` with each piece as it arrives (returning false stops
  // reading and drops the connection). Non-2xx answers are read whole into body. Throws
  // UpstreamIoError (including a connection lost mid-body).
  // `on_start` runs once, with status and content type, before the first piece of a 2xx body.
  using StartFn = std::function<void(const UpstreamResponse&)>;
  using BytesFn = std::function<bool(std::string_view)>;
  UpstreamResponse stream(const UpstreamCall& call, const StartFn& on_start, const BytesFn& on_bytes);

 private:
  using Session = std::unique_ptr<Poco::Net::HTTPClientSession>;
  Session acquire_(const Url& u, bool& reused);
  void release_(const Url& u, Session s);
  UpstreamResponse exchange_(const UpstreamCall& call, const StartFn* on_start, const BytesFn* on_bytes);

  UpstreamSettings settings_;
  Poco::Net::Context::Ptr tls_;
  std::mutex mu_;
  std::map<std::string, std::vector<Session>> idle_;
};

}  // namespace aicore::host

#include "upstream/UpstreamClient.hpp"

#include <Poco/CountingStream.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Timespan.h>

#include <istream>
#include <algorithm>

#include "tls/TlsPolicy.hpp"

namespace aicore::host {
namespace {

Poco::Timespan seconds(int s) { return Poco::Timespan(static_cast<long>(s), 0); }

// Poco's HTTPClientSession writes a request's header twice when it has a Content-Length: once
// into an unbuffered CountingOutputStream, one virtual call per character, to size the stream,
// then for real. With a bearer token of a kilobyte that was ~19 % of a pass-through request
// (callgrind). This request renders its header once, into one string, and only reports its size
// to the counting pass; the bytes on the wire are those of HTTPRequest::write.
class UpstreamHttpRequest final : public Poco::Net::HTTPRequest {
 public:
  using HTTPRequest::HTTPRequest;

  void write(std::ostream& ostr) const override {
    if (head_.empty()) {
      head_.reserve(512);
      head_.append(getMethod()).append(" ").append(getURI()).append(" ").append(getVersion()).append("\r\n");
      for (const auto& [name, value] : *this) head_.append(name).append(": ").append(value).append("\r\n");
      head_.append("\r\n");
    }
    if (auto* counting = dynamic_cast<Poco::CountingOutputStream*>(&ostr)) {
      counting->addChars(static_cast<std::streamsize>(head_.size()));
      return;
    }
    ostr.write(head_.data(), static_cast<std::streamsize>(head_.size()));
  }

 private:
  mutable std::string head_;  // rendered on the first write(); the request is not changed after sendRequest
};

}  // namespace

UpstreamClient::UpstreamClient(const UpstreamSettings& settings)
    : settings_(settings), tls_(make_upstream_context(settings_)) {}

UpstreamClient::Session UpstreamClient::acquire_(const Url& u, bool& reused) {
  {
    std::lock_guard lock(mu_);
    auto it = idle_.find(u.origin());
    if (it != idle_.end() && !it->second.empty()) {
      Session s = std::move(it->second.back());
      it->second.pop_back();
      reused = true;
      return s;
    }
  }
  reused = false;
  Session s;
  if (u.https)
    s = std::make_unique<Poco::Net::HTTPSClientSession>(u.host, u.port, tls_);
  else
    s = std::make_unique<Poco::Net::HTTPClientSession>(u.host, u.port);
  s->setKeepAlive(true);
  s->setKeepAliveTimeout(seconds(30));
  return s;
}

void UpstreamClient::release_(const Url& u, Session s) {
  std::lock_guard lock(mu_);
  auto& v = idle_[u.origin()];
  if (static_cast<int>(v.size()) < settings_.pool_size_per_host) v.push_back(std::move(s));
}

UpstreamResponse UpstreamClient::send(const UpstreamCall& call) { return exchange_(call, nullptr, nullptr); }

UpstreamResponse UpstreamClient::stream(const UpstreamCall& call, const StartFn& on_start, const BytesFn& on_bytes) {
  return exchange_(call, &on_start, &on_bytes);
}

UpstreamResponse UpstreamClient::exchange_(const UpstreamCall& call, const StartFn* on_start, const BytesFn* on_bytes) {
  Url u;
  try {
    u = Url::parse(call.url);
  } catch (const std::exception& e) {
    throw UpstreamIoError(std::string("bad upstream URL: ") + e.what());
  }
  // A pooled connection may have been closed by the server while idle; that shows up as a failure
  // before any response byte, and then one fresh connection is tried.
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    Session s = acquire_(u, reused);
    bool got_response = false;
    try {
      const int read_s = call.read_timeout_s > 0 ? call.read_timeout_s : settings_.read_timeout_s;
      s->setTimeout(seconds(settings_.connect_timeout_s), seconds(read_s), seconds(read_s));
      UpstreamHttpRequest req(call.method, u.path, Poco::Net::HTTPMessage::HTTP_1_1);
      req.setHost(u.host, u.port);
      req.setKeepAlive(true);
      for (const auto& [n, v] : call.headers) req.set(n, v);
      if (!call.body.empty() || call.method == "POST") {
        req.setContentType(call.content_type);
        req.setContentLength(static_cast<std::streamsize>(call.body.size()));
      }
      std::ostream& os = s->sendRequest(req);
      os.write(call.body.data(), static_cast<std::streamsize>(call.body.size()));
      Poco::Net::HTTPResponse resp;
      std::istream& is = s->receiveResponse(resp);
      got_response = true;
      UpstreamResponse out;
      out.status = static_cast<int>(resp.getStatus());
      out.content_type = resp.getContentType();
      out.retry_after = resp.get("Retry-After", "");
      const bool ok = out.status >= 200 && out.status < 300;
      if (on_bytes && ok) {
        if (on_start && *on_start) (*on_start)(out);
        char buf[16384];
        for (;;) {
          // peek() blocks until the next piece arrives; readsome() then takes what is buffered,
          // so every upstream event is passed on as soon as it is received.
          if (is.peek() == std::char_traits<char>::eof()) break;
          std::streamsize n = is.readsome(buf, sizeof buf);
          if (n <= 0) continue;
          if (!(*on_bytes)(std::string_view(buf, static_cast<size_t>(n)))) {
            s->abort();  // client gone: drop this connection rather than drain it
            return out;
          }
        }
        if (is.bad()) throw UpstreamIoError("upstream connection lost mid-stream");
      } else {
        // Straight into the string: an ostringstream per answer cost a stream set-up (locale
        // facets, dynamic_casts) and a second copy.
        if (resp.hasContentLength() && resp.getContentLength64() > 0)
          out.body.reserve(static_cast<size_t>(std::min<int64_t>(resp.getContentLength64(), 64 << 20)));
        char buf[16384];
        while (is.read(buf, sizeof buf) || is.gcount() > 0) out.body.append(buf, static_cast<size_t>(is.gcount()));
        if (is.bad()) throw UpstreamIoError("upstream connection lost while reading the body");
      }
      if (resp.getKeepAlive()) release_(u, std::move(s));
      return out;
    } catch (const UpstreamIoError&) {
      throw;
    } catch (const Poco::TimeoutException&) {
      throw UpstreamIoError(got_response ? "upstream read timed out" : "upstream did not answer in time");
    } catch (const Poco::Exception& e) {
      if (reused && !got_response && attempt == 0) continue;
      throw UpstreamIoError("upstream " + u.origin() + ": " + e.displayText());
    } catch (const std::exception& e) {
      if (reused && !got_response && attempt == 0) continue;
      throw UpstreamIoError("upstream " + u.origin() + ": " + e.what());
    }
  }
}

}  // namespace aicore::host

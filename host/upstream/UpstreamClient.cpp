#include "upstream/UpstreamClient.hpp"

#include <Poco/CountingStream.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>

#include <chrono>

#include <algorithm>
#include <istream>
#include <utility>
#include <vector>

#include "tls/TlsPolicy.hpp"
#include "upstream/BodyReader.hpp"

namespace aicore::host {
namespace {

// Pooled connections idle longer than this are closed rather than reused.
constexpr auto kMaxIdle = std::chrono::seconds(30);

// Poco's HTTPClientSession writes a request's header twice when it has a Content-Length: once
// into an unbuffered CountingOutputStream, one virtual call per character, to size the stream,
// then for real. With a bearer token of a kilobyte that was ~19 % of a pass-through request
// (callgrind). This request renders its header once, into one string, and only reports its size
// to the counting pass. Only what the session itself reads (Host, Connection, Content-Length)
// goes into Poco's header collection; the call's own headers are kept beside it, with set()'s
// meaning (a later one replaces an earlier one of the same name), and written after them: filling
// the collection cost ~4k instructions a request.
class UpstreamHttpRequest final : public Poco::Net::HTTPRequest {
 public:
  using HTTPRequest::HTTPRequest;

  // A header for the upstream; one the session reads goes into the collection.
  void put(const std::string& name, const std::string& value) {
    if (Poco::icompare(name, HTTPRequest::HOST) == 0 || Poco::icompare(name, HTTPMessage::CONNECTION) == 0 ||
        Poco::icompare(name, HTTPMessage::CONTENT_LENGTH) == 0 ||
        Poco::icompare(name, HTTPMessage::TRANSFER_ENCODING) == 0) {
      set(name, value);
      return;
    }
    for (auto& [n, v] : extra_)
      if (Poco::icompare(n, name) == 0) {
        v = value;
        return;
      }
    extra_.emplace_back(name, value);
  }

  // As setContentType(): an empty type removes the header.
  void set_content_type(const std::string& type) {
    if (!type.empty()) return put(HTTPMessage::CONTENT_TYPE, type);
    std::erase_if(extra_, [](const auto& h) { return Poco::icompare(h.first, HTTPMessage::CONTENT_TYPE) == 0; });
  }

  void write(std::ostream& ostr) const override {
    if (head_.empty()) {
      head_.reserve(512);
      head_.append(getMethod()).append(" ").append(getURI()).append(" ").append(getVersion()).append("\r\n");
      for (const auto& [name, value] : *this) head_.append(name).append(": ").append(value).append("\r\n");
      for (const auto& [name, value] : extra_) head_.append(name).append(": ").append(value).append("\r\n");
      head_.append("\r\n");
    }
    if (auto* counting = dynamic_cast<Poco::CountingOutputStream*>(&ostr)) {
      counting->addChars(static_cast<std::streamsize>(head_.size()));
      return;
    }
    ostr.write(head_.data(), static_cast<std::streamsize>(head_.size()));
  }

 private:
  std::vector<std::pair<std::string, std::string>> extra_;
  mutable std::string head_;  // rendered on the first write(); the request is not changed after sendRequest
};

}  // namespace

UpstreamClient::UpstreamClient(const UpstreamSettings& settings)
    : settings_(settings), tls_(make_upstream_context(settings_)) {}

UpstreamClient::Session UpstreamClient::acquire_(const Url& u, const UpstreamCall& call, bool& reused) {
  reused = false;
  if (call.tls) return UpstreamSession::open(u, call.tls);
  for (;;) {
    Session s;
    {
      std::lock_guard lock(mu_);
      auto it = idle_.find(u.origin());
      if (it == idle_.end() || it->second.empty()) break;
      s = std::move(it->second.back());
      it->second.pop_back();
    }
    // Checked before anything is written on it: one the server closed while idle is dropped
    // here, so the request never goes out on it (nothing to re-send).
    if (s->reusable(kMaxIdle)) {
      reused = true;
      return s;
    }
  }
  reused = false;
  return UpstreamSession::open(u, tls_);
}

void UpstreamClient::release_(const Url& u, Session s) {
  s->idle_since = UpstreamSession::Clock::now();
  std::lock_guard lock(mu_);
  auto& v = idle_[u.origin()];
  if (static_cast<int>(v.size()) < settings_.pool_size_per_host) v.push_back(std::move(s));
}

UpstreamResponse UpstreamClient::send(const UpstreamCall& call) { return exchange_(call, nullptr, nullptr); }

UpstreamResponse UpstreamClient::stream(const UpstreamCall& call, const StartFn& on_start, const BytesFn& on_bytes) {
  return exchange_(call, &on_start, &on_bytes);
}

namespace {

// The waits of one call, each capped by its deadline (retry.deadline_s) while that applies.
struct CallWaits {
  const CallDeadline* deadline;

  UpstreamIoError deadline_error() const {
    return UpstreamIoError("upstream did not answer within retry.deadline_s (" + std::to_string(deadline->seconds) +
                           " s)");
  }
  // A wait of `limit`, capped by the deadline while it applies.
  Poco::Timespan wait(int limit_s) const {
    auto d = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::seconds(limit_s));
    if (deadline) d = std::chrono::duration_cast<std::chrono::microseconds>(deadline->cap(d));
    if (d.count() <= 0) throw deadline_error();
    return Poco::Timespan(d.count());
  }
};

// Writes the request line, headers and body; true when all of it was written.
bool send_request(UpstreamSession& s, const Url& u, const UpstreamCall& call) {
  UpstreamHttpRequest req(call.method, u.path, Poco::Net::HTTPMessage::HTTP_1_1);
  req.setHost(u.host, u.port);
  req.setKeepAlive(true);
  for (const auto& [n, v] : call.headers) req.put(n, v);
  if (!call.body.empty() || call.method == "POST") {
    req.set_content_type(call.content_type);
    req.setContentLength(static_cast<std::streamsize>(call.body.size()));
  }
  std::ostream& os = s.http().sendRequest(req);
  os.write(call.body.data(), static_cast<std::streamsize>(call.body.size()));
  os.flush();
  return os.good();
}

// How an answer's body is read: through `on_bytes` (a 2xx stream) or into the answer, up to `max`.
struct BodyRead {
  const CallWaits& waits;
  int read_s;
  bool ok;         // a 2xx answer
  bool streaming;  // handed to on_bytes as it arrives
  int64_t max;     // the most bytes kept when not streaming
  const UpstreamClient::BytesFn* on_bytes;
};

// Reads the body to its end; false when the connection must not be reused (the client went away
// mid-stream, or an error body was cut at its limit). Throws UpstreamIoError.
bool read_answer_body(UpstreamSession& s, BodyReader& body, const BodyRead& r, UpstreamResponse& out) {
  const CallDeadline* deadline = r.waits.deadline;
  char buf[16384];
  for (;;) {
    if (deadline && deadline->active) s.set_receive_timeout(r.waits.wait(r.read_s));
    size_t n;
    try {
      n = body.read(buf, sizeof buf);
    } catch (const UpstreamIoError&) {
      if (body.timed_out() && deadline && deadline->passed()) throw r.waits.deadline_error();
      throw;
    }
    if (n == 0) return true;
    if (r.streaming) {
      if (!(*r.on_bytes)(std::string_view(buf, n))) return false;  // client gone: drop, do not drain
      continue;
    }
    const size_t room = static_cast<size_t>(r.max) - out.body.size();
    out.body.append(buf, std::min(n, room));
    if (n > room) {
      if (r.ok)
        throw UpstreamIoError("upstream answer exceeds the limit of " + std::to_string(r.max) +
                              " bytes (upstream.max_response_bytes)");
      return false;  // an error body: its first kMaxErrorBodyBytes say what went wrong
    }
  }
}

}  // namespace

UpstreamResponse UpstreamClient::exchange_(const UpstreamCall& call, const StartFn* on_start, const BytesFn* on_bytes) {
  Url u;
  try {
    u = Url::parse(call.url);
  } catch (const std::exception& e) { throw UpstreamIoError(std::string("bad upstream URL: ") + e.what()); }
  const CallDeadline* deadline = call.deadline;
  const CallWaits waits{deadline};
  const int read_s = call.read_timeout_s > 0 ? call.read_timeout_s : settings_.read_timeout_s;

  bool reused = false;
  Session s = acquire_(u, call, reused);
  InFlightCalls::Entry entry(*calls_, *s);  // declared after the session: leaves before it closes
  bool sent = false;                        // the whole request was written
  bool got_response = false;                // its status line and headers arrived
  try {
    s->set_timeouts(waits.wait(settings_.connect_timeout_s), waits.wait(read_s), waits.wait(read_s));
    s->connect();
    calls_->check();  // aborted while connecting: the drain's shutdown may have missed this socket
    sent = send_request(*s, u, call);
    Poco::Net::HTTPResponse resp;
    std::istream& is = s->http().receiveResponse(resp);
    got_response = true;
    UpstreamResponse out;
    out.status = static_cast<int>(resp.getStatus());
    out.content_type = resp.getContentType();
    out.retry_after = resp.get("Retry-After", "");
    const bool ok = out.status >= 200 && out.status < 300;
    const bool streaming = on_bytes && ok;
    BodyReader body(*s, resp, is, streaming ? "mid-stream" : "while reading the body");
    const int64_t max = !ok                       ? kMaxErrorBodyBytes
                        : call.max_body_bytes > 0 ? call.max_body_bytes
                                                  : settings_.max_response_bytes;
    if (!streaming && ok && body.declared() > max)
      throw UpstreamIoError("upstream answer of " + std::to_string(body.declared()) + " bytes exceeds the limit of " +
                            std::to_string(max) + " bytes (upstream.max_response_bytes)");
    if (on_start && *on_start && streaming) (*on_start)(out);
    if (!streaming && body.declared() > 0) out.body.reserve(static_cast<size_t>(std::min(body.declared(), max)));
    const bool complete = read_answer_body(*s, body, BodyRead{waits, read_s, ok, streaming, max, on_bytes}, out);
    entry.leave();
    if (complete && resp.getKeepAlive() && !call.tls) release_(u, std::move(s));
    return out;
  } catch (const UpstreamIoError&) {
    calls_->check();  // a body cut by the drain's shutdown is that, not the upstream's doing
    throw;
  } catch (const Poco::TimeoutException&) {
    calls_->check();
    if (deadline && deadline->passed()) throw waits.deadline_error();
    throw UpstreamIoError(got_response ? "upstream read timed out" : "upstream did not answer in time");
  } catch (const Poco::Exception& e) {
    calls_->check();  // the drain's shutdown, not the upstream
    // Nothing is sent again here: once written, the request may have reached the upstream.
    throw UpstreamIoError(
        "upstream " + u.origin() + ": " + e.displayText() +
        (reused && sent && !got_response ? " (on a reused connection, after the request was sent)" : ""));
  } catch (const std::exception& e) {
    calls_->check();
    throw UpstreamIoError("upstream " + u.origin() + ": " + e.what());
  }
}

}  // namespace aicore::host

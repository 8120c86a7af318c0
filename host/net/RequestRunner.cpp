#include "net/RequestRunner.hpp"

#include <Poco/Buffer.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <spdlog/spdlog.h>

#include <memory>

#include <poll.h>

#include "net/ClientConn.hpp"
#include "net/ConnectionServer.hpp"
#include "net/Framing.hpp"

namespace aicore::host::net {
namespace {

constexpr int kNextHeadWaitMs = 3;

// The request line's path, only to pick the envelope of an error answered before Poco parsed
// the head (or when it could not).
std::string request_path(std::string_view head) {
  const size_t sp = head.find(' ');
  if (sp == std::string_view::npos) return {};
  const size_t end = head.find_first_of(" ?\r\n", sp + 1);
  std::string_view target = head.substr(sp + 1, end == std::string_view::npos ? std::string_view::npos : end - sp - 1);
  return target.starts_with('/') ? std::string(target.substr(0, 256)) : std::string();
}

// Keeps the session from closing the socket when it is destroyed: the connection lives on.
struct Detach {
  Poco::Net::HTTPServerSession& session;
  ~Detach() { session.detachSocket(); }
};

}  // namespace

// What happens to the connection after a request.
enum class After { KeepAlive, Close, Linger };

struct RequestRunner::Served {
  After after = After::Close;
  int64_t unread_body = 0;
  int status = 0;                // of the answer, for the debug log (0: none sent)
  bool said_keep_alive = false;  // what the answer told the client about the connection
};

void RequestRunner::run() {
  server_.serving(socket(), true);
  try {
    if (auto* c = dynamic_cast<ClientConn*>(socket().impl())) run_connection(*c);
  } catch (const std::exception& e) {
    spdlog::debug("connection ended: {}", e.what());
    socket().close();
  }
  server_.serving(socket(), false);
}

RequestRunner::Served RequestRunner::error_answer(Poco::Net::HTTPServerSession& session, const std::string& path,
                                                  int status, const std::string& message) {
  Poco::Net::HTTPServerResponseImpl resp(session);
  resp.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
  resp.setKeepAlive(false);
  try {
    server_.error_answer_(resp, path, status, message);
  } catch (const Poco::Exception&) {}
  return Served{After::Linger, 0, status, false};
}

void RequestRunner::log_served(const Served& r, int request) {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  static constexpr const char* kAfter[] = {"kept alive", "closed", "lingering before the close"};
  spdlog::debug("connection from port {}: request {} answered {} ({}), {}{}", peer_port(socket()), request, r.status,
                r.said_keep_alive ? "keep-alive" : "close",
                server_.stopping() ? "closed (stopping)" : kAfter[static_cast<int>(r.after)],
                r.unread_body != 0 ? fmt::format(", {} body bytes unread", r.unread_body) : std::string());
}

RequestRunner::Served RequestRunner::serve(Poco::Net::HTTPServerSession& session, ClientConn* c, size_t head_size,
                                           std::string path, int served) {
  using Poco::Net::HTTPServerRequestImpl;
  using Poco::Net::HTTPServerResponseImpl;
  auto& params = server_.params_;
  Served out;
  HTTPServerResponseImpl response(session);
  std::unique_ptr<HTTPServerRequestImpl> req;
  try {
    req = std::make_unique<HTTPServerRequestImpl>(response, session, params.get());
  } catch (const Poco::Net::NoMessageException&) {
    spdlog::debug("no request head where one was expected: closing the connection");
    return out;  // the client closed before a request
  } catch (const Poco::Net::MessageException& e) {
    // `response` points at the request that failed to construct: answer with a fresh one.
    return error_answer(session, path, 400, "malformed request head: " + e.message());
  } catch (const Poco::SyntaxException&) { return error_answer(session, path, 400, "invalid Content-Length"); }
  path = req->getURI().substr(0, req->getURI().find('?'));
  if (auto bad = framing_problem(*req)) { return error_answer(session, path, bad->status, bad->message); }

  response.setDate(Poco::Timestamp());
  response.setVersion(req->getVersion());
  response.setKeepAlive(params->getKeepAlive() && req->getKeepAlive() &&
                        served < server_.settings_.max_keep_alive_requests && !server_.stopping());
  if (!params->getSoftwareVersion().empty()) response.set("Server", params->getSoftwareVersion());
  try {
    // The handler (and with it the request's in-flight slot) is gone before anything of the
    // body is discarded: a client that drips the rest of an unwanted body holds no slot.
    std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(server_.factory_->createRequestHandler(*req));
    if (!handler) { return error_answer(session, path, 501, "not implemented"); }
    if (req->getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK) response.sendContinue();
    handler->handleRequest(*req, response);
  } catch (const std::exception& e) {
    spdlog::debug("request handler failed: {}", e.what());
    if (!response.sent()) {
      try {
        out.status = error_answer(session, path, 500, "internal error").status;
      } catch (...) {}
    }
    return out;
  }
  if (!response.sent()) {
    spdlog::debug("{} {}: the handler sent no answer; closing the connection", req->getMethod(), path);
    return out;
  }
  out.status = static_cast<int>(response.getStatus());
  out.said_keep_alive = response.getKeepAlive();

  // How much of the body the handler left unread.
  const int64_t declared = declared_body_length(*req);
  if (declared < 0) {
    out.unread_body = req->stream().eof() ? 0 : -1;  // chunked: read to its end or not
  } else {
    Poco::Buffer<char> left(0);
    session.drainBuffer(left);
    c->unread(left.begin(), left.size());
    const int64_t consumed = c->delivered() - static_cast<int64_t>(left.size()) - static_cast<int64_t>(head_size);
    out.unread_body = std::max<int64_t>(0, declared - consumed);
  }
  if (!response.getKeepAlive() || session.networkException()) {
    out.after = out.unread_body == 0 && c->pending().empty() ? After::Close : After::Linger;
    return out;
  }
  if (out.unread_body < 0 || out.unread_body > server_.settings_.max_discard_bytes) {
    out.after = After::Linger;
    return out;
  }
  out.after = After::KeepAlive;
  return out;
}

void RequestRunner::run_connection(ClientConn& conn) {
  ClientConn* c = &conn;
  const auto& st = server_.settings_;
  Poco::Net::HTTPServerSession session(socket(), server_.params_);
  Detach detach{session};
  for (;;) {
    const size_t head_size = c->scanner.head_size();
    const std::string path = request_path(c->pending().substr(c->scanner.leading()));
    c->scanner.reset();
    c->reset_delivered();
    Served r;
    if (c->reject_status) {
      r = error_answer(session, path, c->reject_status, c->reject_message);
      c->reject_status = 0;
    } else {
      r = serve(session, c, head_size, path, ++c->requests);
    }
    // Whatever Poco read ahead goes back in front of the socket, for the next head.
    Poco::Buffer<char> left(0);
    session.drainBuffer(left);
    c->unread(left.begin(), left.size());

    log_served(r, c->requests);
    const auto now = Clock::now();
    if (r.after == After::Close || server_.stopping()) {
      socket().close();
      return;
    }
    if (r.after == After::Linger) {
      try {
        socket().shutdownSend();  // the answer is complete: the client sees its end at once
      } catch (...) {}
      c->phase = ClientConn::Phase::Linger;
      c->lingered = 0;
      c->deadline = now + std::chrono::milliseconds(st.linger_ms);
      server_.poller_.resume(socket());
      return;
    }
    // Keep-alive: drop what already arrived of the unread body, then look for the next head.
    const size_t d = static_cast<size_t>(std::min<int64_t>(r.unread_body, static_cast<int64_t>(c->pending().size())));
    c->drop(d);
    c->skip = r.unread_body - static_cast<int64_t>(d);
    if (c->skip > 0) {
      c->phase = ClientConn::Phase::Skip;
      c->deadline = now + std::chrono::milliseconds(st.discard_ms);
      server_.poller_.resume(socket());
      return;
    }
    // The next request may already be here (pipelined), or come in a moment (a client that
    // sends its next request as soon as it has read the answer): wait a moment for it on this
    // thread rather than paying the round trip through the poller. Bounded, so an idle client
    // costs the worker at most kNextHeadWait.
    // (TLS: bytes OpenSSL already decrypted would not make the descriptor readable.)
    if (c->pending().empty() && c->holds_bytes()) c->fill(st.max_head_bytes);
    if (c->pending().empty()) {
      pollfd p{socket().impl()->sockfd(), POLLIN, 0};
      if (::poll(&p, 1, kNextHeadWaitMs) > 0) c->fill(st.max_head_bytes);
    }
    if (!c->pending().empty()) {
      auto state = c->scanner.scan(c->pending());
      if (state == HeadScanner::State::Complete) continue;
      if (state == HeadScanner::State::ObsFold) {
        c->reject_status = 400;
        c->reject_message = "obsolete line folding in the request head is not allowed";
        continue;
      }
    }
    c->phase = ClientConn::Phase::Head;
    c->idle = c->pending().empty();
    c->deadline = now + std::chrono::seconds(c->idle ? st.keep_alive_timeout_s : st.header_timeout_s);
    server_.poller_.resume(socket());
    return;
  }
}

}  // namespace aicore::host::net

#include "net/Poller.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/ClientSocket.hpp"
#include "net/TlsClientSocket.hpp"

namespace aicore::host::net {
namespace {

// How often deadlines are checked, and the longest the thread sleeps in one poll.
constexpr auto kTick = std::chrono::milliseconds(100);

}  // namespace

Poller::Poller(const ConnectionSettings& s, const Poco::Net::ServerSocket& listener, bool tls, Dispatch dispatch)
    : s_(s), listener_(listener), tls_(tls), dispatch_(std::move(dispatch)) {
  if (tls_) tls_context_ = Poco::Net::SecureServerSocket(listener_).context();
}

Poller::~Poller() { stop(); }

void Poller::start() {
  listener_.setBlocking(false);
  set_.add(listener_, Poco::Net::PollSet::POLL_READ);
  thread_ = std::thread([this] { run(); });
}

void Poller::stop_accepting() {
  std::lock_guard lock(mu_);
  accepting_ = false;
  close_listener_ = true;
}

void Poller::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  stopped_ = true;
  for (auto& s : incoming_) {
    try {
      set_.remove(s);
    } catch (...) {}
    s.close();
  }
  incoming_.clear();
}

void Poller::resume(const Poco::Net::StreamSocket& s) {
  {
    std::lock_guard lock(mu_);
    if (stopped_ || stopping_) {
      Poco::Net::StreamSocket(s).close();
      return;
    }
    incoming_.push_back(s);
  }
  // After it is in incoming_: the poller takes incoming_ before it looks at the events, so an
  // event for this socket always finds its entry.
  set_.add(s, Poco::Net::PollSet::POLL_READ);
  cv_.notify_one();
}

void Poller::run() {
  auto next_sweep = Clock::now() + kTick;
  bool listening = true;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (stopping_) break;
      if (close_listener_ && listening) {
        close_listener_ = false;
        listening = false;
        set_.remove(listener_);
        listener_.close();
      }
      // Poco's PollSet::poll returns at once when the set is empty: wait for work instead.
      if (!listening && held_.empty() && incoming_.empty()) {
        cv_.wait_for(lock, kTick, [&] { return stopping_ || !incoming_.empty(); });
        if (stopping_) break;
      }
    }
    Poco::Net::PollSet::SocketModeMap ready;
    try {
      ready = set_.poll(Poco::Timespan(0, std::chrono::duration_cast<std::chrono::microseconds>(kTick).count()));
    } catch (const Poco::Exception& e) { spdlog::error("connection poller: {}", e.displayText()); }
    take_incoming();
    // The clock is read for each event: a deadline counts from when the poller saw the bytes, also
    // when this thread was held up between two of them (a starved thread on a loaded machine).
    for (const auto& [sock, mode] : ready) {
      if (listening && sock == listener_) {
        accept_all(Clock::now());
        continue;
      }
      auto it = held_.find(sock.impl());
      if (it != held_.end()) on_readable(it, Clock::now());
    }
    const auto now = Clock::now();
    if (now >= next_sweep) {
      sweep(now);
      next_sweep = now + kTick;
    }
  }
  for (auto it = held_.begin(); it != held_.end();) close(it++, "the proxy stops");
  if (listening) {
    try {
      set_.remove(listener_);
    } catch (...) {}
    listener_.close();
  }
}

void Poller::take_incoming() {
  std::vector<Poco::Net::StreamSocket> in;
  {
    std::lock_guard lock(mu_);
    in.swap(incoming_);
  }
  for (auto& s : in) {
    auto* client = dynamic_cast<ClientConn*>(s.impl());
    if (client) held_.emplace(s.impl(), Held{s, client});
  }
  held_count_.store(held_.size(), std::memory_order_relaxed);
}

void Poller::accept_all(Clock::time_point now) {
  for (int i = 0; i < 256; ++i) {
    Poco::Net::StreamSocket s;
    ClientConn* client = nullptr;
    int fd;
    do fd = ::accept4(listener_.impl()->sockfd(), nullptr, nullptr, SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE)
        spdlog::warn("cannot accept a connection: out of file descriptors ({} held)", held_.size());
      return;
    }
    try {
      if (tls_) {
        auto* t = new TlsClientSocket(fd, tls_context_);  // takes ownership of fd
        client = t;
        s = Poco::Net::StreamSocket(t);
      } else {
        auto* c = new ClientSocket(fd);
        client = c;
        s = Poco::Net::StreamSocket(c);
      }
    } catch (const Poco::Exception& e) {
      spdlog::warn("dropping a new connection: {}", e.displayText());
      continue;
    }
    try {
      s.setNoDelay(true);
      s.setSendTimeout(Poco::Timespan(s_.send_timeout_s, 0));
      set_.add(s, Poco::Net::PollSet::POLL_READ);
    } catch (const Poco::Exception& e) {
      spdlog::debug("dropping a new connection: {}", e.displayText());
      continue;
    }
    client->phase = ClientConn::Phase::Head;
    // Idle until the first byte of its head; a new connection gets the head deadline, which
    // covers an HTTPS connection's handshake too.
    client->idle = true;
    client->deadline = now + std::chrono::seconds(s_.header_timeout_s);
    held_.emplace(s.impl(), Held{s, client});
    if (spdlog::should_log(spdlog::level::debug)) spdlog::debug("connection from port {} accepted", peer_port(s));
  }
  held_count_.store(held_.size(), std::memory_order_relaxed);
}

void Poller::on_readable(Map::iterator it, Clock::time_point now) {
  ClientConn* c = it->second.client;
  switch (c->phase) {
    case ClientConn::Phase::Head: {
      const int n = c->fill(s_.max_head_bytes);
      if (n == 0 || n == -2)  // gone (a partial head is dropped silently)
        return close(it, n == 0 ? "the client closed it" : "socket error");
      if (c->idle && !c->pending().empty()) {
        c->idle = false;
        c->deadline = now + std::chrono::seconds(s_.header_timeout_s);
      }
      return after_head_bytes(it, now);
    }
    case ClientConn::Phase::Skip: {
      const int n = c->fill(64 * 1024);
      if (n == 0 || n == -2) return close(it, n == 0 ? "the client closed it" : "socket error");
      const size_t d = static_cast<size_t>(std::min<int64_t>(c->skip, static_cast<int64_t>(c->pending().size())));
      c->drop(d);
      c->skip -= static_cast<int64_t>(d);
      if (c->skip > 0) return;
      c->phase = ClientConn::Phase::Head;
      c->scanner.reset();
      c->idle = c->pending().empty();
      c->deadline = now + std::chrono::seconds(c->idle ? s_.keep_alive_timeout_s : s_.header_timeout_s);
      if (!c->idle) after_head_bytes(it, now);
      return;
    }
    case ClientConn::Phase::Linger: {
      const int n = c->fill(64 * 1024);
      c->lingered += static_cast<int64_t>(c->pending().size());
      c->drop(c->pending().size());
      if (n == 0 || n == -2)
        close(it, n == 0 ? "the client closed it" : "socket error");
      else if (c->lingered > s_.max_linger_bytes)
        close(it, "lingered bytes exceed server.max_linger_bytes");
      return;
    }
  }
}

void Poller::after_head_bytes(Map::iterator it, Clock::time_point now) {
  ClientConn* c = it->second.client;
  switch (c->scanner.scan(c->pending())) {
    case HeadScanner::State::Complete: return hand_off(it, now);
    case HeadScanner::State::ObsFold:
      c->reject_status = 400;
      c->reject_message = "obsolete line folding in the request head is not allowed";
      return hand_off(it, now);
    case HeadScanner::State::Incomplete:
      if (c->pending().size() >= s_.max_head_bytes) {
        c->reject_status = 431;
        c->reject_message = "request head larger than " + std::to_string(s_.max_head_bytes) + " bytes";
        return hand_off(it, now);
      }
      return;
  }
}

void Poller::hand_off(Map::iterator it, Clock::time_point now) {
  Poco::Net::StreamSocket s = it->second.sock;
  try {
    set_.remove(s);
  } catch (...) {}
  if (dispatch_(s)) {
    held_.erase(it);
    held_count_.store(held_.size(), std::memory_order_relaxed);
    return;
  }
  // No worker can take it: answer 503 here (in the envelope of the request line's path) and let
  // the connection linger, so that closing it does not destroy the answer.
  ClientConn* c = it->second.client;
  c->send_now(s_.busy_answer ? s_.busy_answer(c->pending()) : std::string());
  c->drop(c->pending().size());
  c->phase = ClientConn::Phase::Linger;
  c->lingered = 0;
  c->deadline = now + std::chrono::milliseconds(s_.linger_ms);
  try {
    set_.add(s, Poco::Net::PollSet::POLL_READ);
  } catch (...) { close(it, "cannot poll it"); }
}

void Poller::close(Map::iterator it, const char* why) {
  Poco::Net::StreamSocket s = it->second.sock;
  if (spdlog::should_log(spdlog::level::debug)) {
    // Why a connection ended without an answer is what one asks first about a client's "socket
    // closed". Of a head only the request line up to its query (which may hold a key): no header;
    // of a body being discarded or lingered over, nothing but its size.
    const ClientConn* c = it->second.client;
    const std::string_view pending = c->pending();
    const std::string_view head = c->phase == ClientConn::Phase::Head
                                      ? pending.substr(0, std::min(pending.find_first_of("?\r\n"), size_t{64}))
                                      : std::string_view();
    spdlog::debug("connection from port {} closed: {} ({}; {} bytes pending: \"{}\")", peer_port(s), why,
                  c->phase == ClientConn::Phase::Skip     ? "discarding an unread body"
                  : c->phase == ClientConn::Phase::Linger ? "lingering after an answer"
                  : c->idle                               ? "keep-alive idle"
                                                          : "request head incomplete",
                  pending.size(), head);
  }
  try {
    set_.remove(s);
  } catch (...) {}
  held_.erase(it);
  held_count_.store(held_.size(), std::memory_order_relaxed);
  s.close();
}

bool Poller::readable(const Held& h) {
  if (h.client->holds_bytes()) return true;  // TLS: decrypted bytes already inside OpenSSL
  pollfd p{h.sock.impl()->sockfd(), POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

void Poller::sweep(Clock::time_point now) {
  for (auto it = held_.begin(); it != held_.end();) {
    auto cur = it++;
    if (now < cur->second.client->deadline) continue;
    // A deadline bounds how long a slow client holds a connection, not how long the poller took
    // to look: what arrived while this thread was held up (the poll above reported only what was
    // there before) is read before the connection is judged. It may complete a request head (the
    // connection goes to a worker) or start one (the head deadline then runs from now).
    if (cur->second.client->phase == ClientConn::Phase::Head && readable(cur->second)) {
      Poco::Net::SocketImpl* key = cur->first;
      on_readable(cur, now);  // hands it off, closes it or keeps it: erases nothing else
      cur = held_.find(key);
      if (cur == held_.end() || now < cur->second.client->deadline) continue;
    }
    close(cur, "its deadline passed");
  }
}

}  // namespace aicore::host::net

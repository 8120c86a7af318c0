#include "net/ConnectionServer.hpp"

#include "net/RequestRunner.hpp"

#include <sys/socket.h>

namespace aicore::host::net {

ConnectionServer::ConnectionServer(Poco::Net::HTTPRequestHandlerFactory::Ptr factory, Poco::ThreadPool& pool,
                                   const Poco::Net::ServerSocket& listener, bool tls,
                                   Poco::Net::HTTPServerParams::Ptr params, const ConnectionSettings& settings,
                                   ErrorAnswer error_answer)
    : factory_(std::move(factory)),
      params_(std::move(params)),
      settings_(settings),
      error_answer_(std::move(error_answer)),
      work_(pool, params_->getMaxThreads(), params_->getMaxQueued(),
            [this](Poco::Net::StreamSocket& s) { RequestRunner(s, *this).run(); }),
      // Full: the poller answers 503 (settings.busy_answer) and closes the connection.
      poller_(settings, listener, tls, [this](const Poco::Net::StreamSocket& s) { return work_.push(s); }) {}

ConnectionServer::~ConnectionServer() { stop(); }

void ConnectionServer::start() { poller_.start(); }

void ConnectionServer::stop_accepting() {
  stopping_ = true;
  poller_.stop_accepting();
}

void ConnectionServer::stop() {
  stopping_ = true;
  poller_.stop();
  {
    std::lock_guard lock(serving_mu_);
    cut_ = true;
    for (auto& [impl, s] : serving_) cut(s);
  }
  work_.stop();
}

void ConnectionServer::cut(const Poco::Net::StreamSocket& s) {
  // The descriptor itself, not Poco's shutdown(): on HTTPS that would write close_notify through
  // the TLS state the worker is using at this moment. The worker's next read or write fails; it
  // returns and closes the socket.
  ::shutdown(s.impl()->sockfd(), SHUT_RDWR);
}

void ConnectionServer::serving(const Poco::Net::StreamSocket& s, bool on) {
  std::lock_guard lock(serving_mu_);
  if (on) {
    serving_[s.impl()] = s;
    // Cut at once if stop() has already run: it will not look at this socket again.
    if (cut_) cut(s);
  } else {
    serving_.erase(s.impl());
  }
}

}  // namespace aicore::host::net

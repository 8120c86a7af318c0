// The HTTP/1.1 server the host runs instead of Poco's HTTPServer (which holds a thread per
// connection, so idle and slow clients exhaust the pool). Connections wait for their request
// head on one poller thread (net/Poller); a complete head goes to the worker pool (net/WorkQueue),
// where RequestRunner serves it with Poco's own HTTPServerSession, request
// and response classes and the host's handler factory, then gives the connection back to the
// poller. See docs/connection-layer.md.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "net/ConnectionSettings.hpp"
#include "net/Poller.hpp"
#include "net/WorkQueue.hpp"

namespace aicore::host::net {

class ConnectionServer {
 public:
  // `params`: keep-alive on/off, the software version, max_threads and max_queued of the work
  // queue (connections whose head is complete and that wait for a thread; beyond, one gets
  // settings.busy_answer and is closed).
  ConnectionServer(Poco::Net::HTTPRequestHandlerFactory::Ptr factory, Poco::ThreadPool& pool,
                   const Poco::Net::ServerSocket& listener, bool tls, Poco::Net::HTTPServerParams::Ptr params,
                   const ConnectionSettings& settings, ErrorAnswer error_answer);
  ~ConnectionServer();

  void start();
  // SIGTERM: no new connections. Open ones are still served (the handler factory answers 503
  // while draining) and closed after their current request.
  void stop_accepting();
  // The end of the drain: every connection the poller holds is closed, requests still running
  // are cut (their sockets shut down), the workers return.
  void stop();

  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  size_t idle_connections() const { return poller_.held(); }

 private:
  friend class RequestRunner;

  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  Poco::Net::HTTPServerParams::Ptr params_;
  ConnectionSettings settings_;
  ErrorAnswer error_answer_;
  WorkQueue work_;
  Poller poller_;
  std::atomic<bool> stopping_{false};

  // Connections being served on a worker, so that stop() can cut them.
  void serving(const Poco::Net::StreamSocket& s, bool on);
  static void cut(const Poco::Net::StreamSocket& s);
  std::mutex serving_mu_;
  std::map<Poco::Net::SocketImpl*, Poco::Net::StreamSocket> serving_;
  bool cut_ = false;
};

}  // namespace aicore::host::net

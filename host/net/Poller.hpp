// The connection layer's one poller thread: accepts connections and holds every connection that
// is not being served — waiting for a complete request head (new or keep-alive; for HTTPS the
// handshake too), discarding the unread body of an answered request, or lingering before a
// close — on one Poco PollSet, with the deadlines of each. A connection goes to the worker pool
// only when its whole head is here, so a slow or idle client costs a descriptor and a few bytes,
// never a thread.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/PollSet.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "net/ClientConn.hpp"
#include "net/ConnectionSettings.hpp"

namespace aicore::host::net {

class Poller {
 public:
  // Hands a connection with a complete head to a worker; false when none can take it (the queue
  // is full): the poller then sends `s.busy_answer` for it and closes it.
  using Dispatch = std::function<bool(const Poco::Net::StreamSocket&)>;

  // `tls`: the listener is a SecureServerSocket; its connections are TlsClientSockets.
  Poller(const ConnectionSettings& s, const Poco::Net::ServerSocket& listener, bool tls, Dispatch dispatch);
  ~Poller();
  Poller(const Poller&) = delete;

  void start();
  void stop_accepting();  // closes the listener; held connections stay (their next request is answered)
  void stop();            // closes every held connection and ends the thread

  // From a worker: the connection waits here again, in the phase and with the deadline the worker
  // set on it (Head for the next request, Skip for an unread body, Linger before a close).
  void resume(const Poco::Net::StreamSocket& s);

  size_t held() const { return held_count_.load(std::memory_order_relaxed); }

 private:
  struct Held {
    Poco::Net::StreamSocket sock;
    ClientConn* client;
  };
  using Map = std::map<Poco::Net::SocketImpl*, Held>;

  void run();
  void take_incoming();
  void accept_all(Clock::time_point now);
  void on_readable(Map::iterator it, Clock::time_point now);
  void after_head_bytes(Map::iterator it, Clock::time_point now);
  void hand_off(Map::iterator it, Clock::time_point now);
  static bool readable(const Held& h);            // has bytes now (poll with no wait)
  void close(Map::iterator it, const char* why);  // `why` goes to the debug log
  void sweep(Clock::time_point now);

  ConnectionSettings s_;
  Poco::Net::ServerSocket listener_;
  bool tls_;
  Poco::Net::Context::Ptr tls_context_;
  Dispatch dispatch_;
  Poco::Net::PollSet set_;
  Map held_;  // the poller thread's own
  std::atomic<size_t> held_count_{0};
  std::thread thread_;

  std::mutex mu_;  // guards what follows
  std::condition_variable cv_;
  std::vector<Poco::Net::StreamSocket> incoming_;
  bool accepting_ = true;
  bool close_listener_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
};

}  // namespace aicore::host::net

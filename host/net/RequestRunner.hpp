// Serves requests on a connection whose head is complete, on a worker thread: Poco parses the
// head and body (HTTPServerSession, HTTPServerRequestImpl), the host's handler answers, and the
// connection goes back to the poller — at once with the next request when its head is already
// here, after discarding what the handler left of the body, or to linger before a close.
#pragma once

#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/StreamSocket.h>

#include <string>

namespace aicore::host::net {

class ConnectionServer;
class ClientConn;

class RequestRunner {
 public:
  RequestRunner(const Poco::Net::StreamSocket& s, ConnectionServer& server) : socket_(s), server_(server) {}
  void run();

 private:
  struct Served;
  void run_connection(ClientConn& c);
  // One request: parse (Poco), check the framing, run the handler. `c`: the connection,
  // `head_size` its head's bytes.
  Served serve(Poco::Net::HTTPServerSession& session, ClientConn* c, size_t head_size, std::string path, int served);
  // Answers before (or instead of) the handler, with `Connection: close`; the connection lingers.
  Served error_answer(Poco::Net::HTTPServerSession& session, const std::string& path, int status,
                      const std::string& message);
  void log_served(const Served& r, int request);  // the debug log's connection trail
  Poco::Net::StreamSocket& socket() { return socket_; }
  Poco::Net::StreamSocket socket_;
  ConnectionServer& server_;
};

}  // namespace aicore::host::net

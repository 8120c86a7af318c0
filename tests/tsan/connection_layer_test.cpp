// The connection layer (host/net) under ThreadSanitizer: the poller thread, the work queue and
// many workers hand connections back and forth (accept, head complete, keep-alive resume, unread
// body discard, linger, stop). Clients on several threads send keep-alive requests, pipelined
// requests and requests whose body the handler leaves unread, and the server is stopped while
// they run. TSan reports any data race; the assertions check every answer.
#include <gtest/gtest.h>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "net/ConnectionServer.hpp"

using namespace aicore::host::net;

// A ClientSocket is freed by Poco's RefCountedObject when its last StreamSocket goes, and that
// reference count is an atomic inside libPocoFoundation, which is not built with TSan: TSan cannot
// see that every other thread's last use of the socket happens before the final decrement, so it
// reports the destructor against the poller's or a worker's earlier access. Every other access
// to a ClientSocket is ordered by the poller's and work queue's mutexes, which TSan does see.
extern "C" const char* __tsan_default_suppressions() { return "race:aicore::host::net::ClientSocket::~ClientSocket\n"; }

namespace {

// /echo reads the body and answers it; anything else answers its path without reading the body.
class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    std::string body;
    if (req.getURI() == "/echo") {
      char buf[4096];
      while (req.stream().read(buf, sizeof buf) || req.stream().gcount() > 0) body.append(buf, req.stream().gcount());
    } else {
      body = req.getURI();
    }
    resp.setContentLength(static_cast<std::streamsize>(body.size()));
    resp.sendBuffer(body.data(), body.size());
  }
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Handler; }
};

// Reads one answer (status line, headers with Content-Length, body) from a raw socket stream.
bool read_answer(std::istream& in, std::string& body) {
  std::string line;
  if (!std::getline(in, line) || line.rfind("HTTP/1.1 200", 0) != 0) return false;
  size_t len = 0;
  while (std::getline(in, line) && line != "\r")
    if (line.rfind("Content-Length: ", 0) == 0) len = std::stoul(line.substr(16));
  body.assign(len, '\0');
  return static_cast<bool>(in.read(body.data(), static_cast<std::streamsize>(len)));
}

}  // namespace

TEST(ConnectionLayer, ManyClientsKeepAlivePipelinedUnreadBodiesAndStop) {
  Poco::ThreadPool pool("tsan", 2, 32, 60, 256 * 1024);
  Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0), 64);
  const uint16_t port = listener.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(32);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  ConnectionSettings settings;
  settings.header_timeout_s = 5;
  auto server = std::make_unique<ConnectionServer>(
      new Factory, pool, listener, false, params, settings,
      [](Poco::Net::HTTPServerResponse& resp, std::string_view, int status, std::string_view message) {
        resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        resp.setContentLength(static_cast<std::streamsize>(message.size()));
        resp.send().write(message.data(), static_cast<std::streamsize>(message.size())).flush();
      });
  server->start();

  std::atomic<int> answered{0}, wrong{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      for (int conn = 0; conn < 10; ++conn) {
        Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", port));
        Poco::Net::SocketStream io(s);
        for (int i = 0; i < 10; ++i) {
          const std::string payload = "t" + std::to_string(t) + "c" + std::to_string(conn) + "i" + std::to_string(i);
          // An echo, then (pipelined, in the same write) a request whose body nobody reads.
          const std::string junk = "GET /smuggled HTTP/1.1\r\n\r\n";
          io << "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " << payload.size() << "\r\n\r\n" << payload
             << "POST /skip" << i << " HTTP/1.1\r\nHost: x\r\nContent-Length: " << junk.size() << "\r\n\r\n" << junk
             << std::flush;
          std::string a, b;
          if (read_answer(io, a) && a == payload && read_answer(io, b) && b == "/skip" + std::to_string(i))
            answered += 2;
          else
            ++wrong;
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(answered.load(), 8 * 10 * 10 * 2);

  // Stop while connections are idle on the poller and others are being served.
  std::vector<std::thread> late;
  std::atomic<bool> run{true};
  std::atomic<int> late_answers{0};
  for (int t = 0; t < 4; ++t) {
    late.emplace_back([&] {
      while (run) {
        try {
          Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", port));
          Poco::Net::SocketStream io(s);
          io << "GET /late HTTP/1.1\r\nHost: x\r\n\r\n" << std::flush;
          std::string body;
          if (read_answer(io, body)) ++late_answers;
        } catch (const Poco::Exception&) {
        }
      }
    });
  }
  while (late_answers.load() < 20) std::this_thread::yield();  // the late clients are being served
  server->stop_accepting();
  server->stop();
  run = false;
  for (auto& t : late) t.join();
  server.reset();
  pool.joinAll();
}

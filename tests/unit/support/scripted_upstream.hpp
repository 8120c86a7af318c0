// A raw TCP upstream for UpstreamClient tests: each request it reads (on whatever connection)
// takes the next scripted action, which answers however the test needs — whole, cut short, never,
// then closing or keeping the connection. It counts the requests that reached it, so a test sees
// whether a request went out twice.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aicore::test {

class ScriptedUpstream {
 public:
  // Answers one request; returns whether the connection stays open for the next one.
  using Action = std::function<bool(Poco::Net::StreamSocket&)>;

  ScriptedUpstream() : server_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    acceptor_ = std::thread([this] { accept_loop_(); });
  }
  ~ScriptedUpstream() {
    stopping_ = true;
    try {
      Poco::Net::StreamSocket poke(Poco::Net::SocketAddress("127.0.0.1", port()));
    } catch (...) {
    }
    acceptor_.join();
    {
      std::lock_guard lock(mu_);
      for (auto& s : open_) try { s.shutdown(); } catch (...) {}
    }
    for (auto& t : connections_) t.join();
  }

  void then(Action a) {
    std::lock_guard lock(mu_);
    actions_.push_back(std::move(a));
  }
  int port() const { return server_.address().port(); }
  std::string url(const std::string& path = "/v2/x") const { return "http://127.0.0.1:" + std::to_string(port()) + path; }
  int requests() const { return requests_.load(); }
  int connections() const { return accepted_.load(); }
  // Waits until `n` connections were closed by this side (its FIN is then on its way).
  void wait_closed(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return closed_.load() >= n; });
  }

  // Waits until `n` requests have arrived (a barrier for tests that act while one is held).
  void wait_requests(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return requests_.load() >= n; });
  }

  // ---- actions ----
  static Action answer(int status, const std::string& body, bool keep_open = true, const std::string& extra = "") {
    return [=](Poco::Net::StreamSocket& s) {
      send_all(s, head(status, extra + "Content-Length: " + std::to_string(body.size()) + "\r\n") + body);
      return keep_open;
    };
  }
  // Promises `promised` bytes, sends `body`, closes.
  static Action cut_short(const std::string& body, size_t promised) {
    return [=](Poco::Net::StreamSocket& s) {
      send_all(s, head(200, "Content-Length: " + std::to_string(promised) + "\r\n") + body);
      return false;
    };
  }
  // A chunked answer; without its last chunk when `complete` is false (then the connection closes).
  static Action chunked(const std::vector<std::string>& chunks, bool complete) {
    return [=](Poco::Net::StreamSocket& s) {
      std::string out = head(200, "Transfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n");
      for (const auto& c : chunks) {
        char size[24];
        std::snprintf(size, sizeof size, "%zx\r\n", c.size());
        out += size + c + "\r\n";
      }
      if (complete) out += "0\r\n\r\n";
      send_all(s, out);
      return complete;
    };
  }
  static Action close_without_answer() {
    return [](Poco::Net::StreamSocket&) { return false; };
  }
  // Holds the request until the client goes away (it never answers).
  static Action hang() {
    return [](Poco::Net::StreamSocket& s) {
      char c;
      try {
        while (s.receiveBytes(&c, 1) > 0) {
        }
      } catch (...) {
      }
      return false;
    };
  }

  static std::string head(int status, const std::string& headers) {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nConnection: keep-alive\r\n" + headers + "\r\n";
  }
  static void send_all(Poco::Net::StreamSocket& s, const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      int n = s.sendBytes(bytes.data() + off, static_cast<int>(bytes.size() - off));
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }

 private:
  void accept_loop_() {
    for (;;) {
      Poco::Net::StreamSocket s = server_.acceptConnection();
      if (stopping_) return;
      ++accepted_;
      std::lock_guard lock(mu_);
      open_.push_back(s);
      connections_.emplace_back([this, s]() mutable { serve_(s); });
    }
  }

  // Reads a request head and its Content-Length body; false at end-of-file.
  static bool read_request(Poco::Net::StreamSocket& s) {
    std::string got;
    char buf[4096];
    size_t head_end;
    while ((head_end = got.find("\r\n\r\n")) == std::string::npos) {
      int n = s.receiveBytes(buf, sizeof buf);
      if (n <= 0) return false;
      got.append(buf, static_cast<size_t>(n));
    }
    size_t length = 0;
    auto cl = got.find("Content-Length: ");
    if (cl != std::string::npos && cl < head_end) length = std::stoul(got.substr(cl + 16));
    size_t have = got.size() - head_end - 4;
    while (have < length) {
      int n = s.receiveBytes(buf, static_cast<int>(std::min(sizeof buf, length - have)));
      if (n <= 0) return false;
      have += static_cast<size_t>(n);
    }
    return true;
  }

  void serve_(Poco::Net::StreamSocket s) {
    try {
      for (;;) {
        if (!read_request(s)) break;
        Action a;
        {
          std::lock_guard lock(mu_);
          ++requests_;
          if (!actions_.empty()) {
            a = std::move(actions_.front());
            actions_.pop_front();
          }
        }
        cv_.notify_all();
        if (!a || !a(s)) break;
      }
    } catch (...) {
    }
    try {
      s.close();
    } catch (...) {
    }
    {
      std::lock_guard lock(mu_);
      ++closed_;
    }
    cv_.notify_all();
  }

  Poco::Net::ServerSocket server_;
  std::thread acceptor_;
  std::vector<std::thread> connections_;
  std::vector<Poco::Net::StreamSocket> open_;
  std::deque<Action> actions_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<int> requests_{0}, accepted_{0}, closed_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace aicore::test

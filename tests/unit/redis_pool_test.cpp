// RedisPool: a request never waits long for a Redis that is down or frozen, and while it is, only
// one request per pause tries it; a kept connection that Redis closed costs nothing but a new
// connection. No Redis here: a refused port, a socket that never answers, and a small fake that
// answers PING and can close its connections. The checks count tries, not time, so a loaded
// machine cannot fail them; times are bounds against hanging only.
#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Redis/Array.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "shared/RedisPool.hpp"
#include "shared/RedisUrl.hpp"

using namespace aicore::host::shared;
using namespace std::chrono;

namespace {

RedisUrl url_on(uint16_t port) { return parse_redis_url("redis://127.0.0.1:" + std::to_string(port)); }

uint16_t refused_port() {
  Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
  const uint16_t port = s.address().port();
  s.close();
  return port;
}

bool ping(RedisPool& pool, int& calls) {
  return pool.run([&](RedisConn& c) {
    ++calls;
    Poco::Redis::Array cmd;
    cmd << "PING";
    c.execute<std::string>(cmd);
  });
}

// Answers every PING with +PONG on any number of connections; close_all() closes them the way a
// restarted Redis (or its idle `timeout`) does. One thread owns every socket.
class FakeRedis {
 public:
  FakeRedis() : server_(Poco::Net::SocketAddress("127.0.0.1", 0)), thread_([this] { loop_(); }) {}
  ~FakeRedis() {
    stop_ = true;
    thread_.join();
  }
  uint16_t port() const { return server_.address().port(); }
  int accepted() const { return accepted_; }
  void close_all() {
    const int asked = ++close_asked_;
    while (close_done_ < asked) std::this_thread::sleep_for(milliseconds(1));
  }

 private:
  void loop_() {
    const Poco::Timespan tick(0, 2000);
    while (!stop_) {
      if (server_.poll(tick, Poco::Net::Socket::SELECT_READ)) {
        conns_.push_back(server_.acceptConnection());
        ++accepted_;
      }
      for (auto& c : conns_) serve_(c);
      if (close_done_ < close_asked_) {
        for (auto& c : conns_) c.close();
        conns_.clear();
        close_done_ = close_asked_.load();
      }
    }
  }
  static void serve_(Poco::Net::StreamSocket& c) {
    if (!c.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) return;
    char buf[512];
    const int n = c.receiveBytes(buf, sizeof buf);
    const std::string got(buf, n > 0 ? n : 0);
    for (size_t at = got.find("PING"); at != std::string::npos; at = got.find("PING", at + 4)) c.sendBytes("+PONG\r\n", 7);
  }

  Poco::Net::ServerSocket server_;
  std::vector<Poco::Net::StreamSocket> conns_;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0}, close_asked_{0}, close_done_{0};
  std::thread thread_;
};

}  // namespace

TEST(RedisPool, ARefusedConnectionPausesThePool) {
  RedisPool pool(url_on(refused_port()), milliseconds(50), 4, seconds(60));
  int calls = 0;
  EXPECT_FALSE(ping(pool, calls));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(ping(pool, calls));
  EXPECT_EQ(calls, 0) << "no connection, no command";
}

TEST(RedisPool, AFrozenRedisCostsOneRequestATimeoutAndTheOthersNothing) {
  // Listens (the kernel completes the connect) but never reads or answers, like a stopped server.
  Poco::Net::ServerSocket frozen(Poco::Net::SocketAddress("127.0.0.1", 0));
  RedisPool pool(url_on(frozen.address().port()), milliseconds(50), 4, seconds(2));
  int calls = 0;
  const auto t0 = steady_clock::now();
  EXPECT_FALSE(ping(pool, calls));
  const auto first = steady_clock::now() - t0;
  EXPECT_EQ(calls, 1);
  EXPECT_GE(first, milliseconds(40)) << "it waited for the reply";
  EXPECT_LT(first, seconds(2)) << "and not much longer than the timeout";
  // While paused nobody tries: had these 100 waited for the frozen socket, calls would be 101.
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(ping(pool, calls));
  EXPECT_EQ(calls, 1) << "the pause keeps the next requests off Redis";
  std::this_thread::sleep_for(milliseconds(2100));
  EXPECT_FALSE(ping(pool, calls));
  EXPECT_EQ(calls, 2) << "after the pause one request tries again";
}

TEST(RedisPool, AKeptConnectionRedisClosedIsReplacedWithoutAPause) {
  FakeRedis redis;
  RedisPool pool(url_on(redis.port()), milliseconds(1000), 4, seconds(60));
  int calls = 0;
  ASSERT_TRUE(ping(pool, calls));
  EXPECT_EQ(redis.accepted(), 1);
  ASSERT_TRUE(ping(pool, calls));
  EXPECT_EQ(redis.accepted(), 1) << "the connection is kept";
  redis.close_all();  // a restart, or Redis's idle timeout
  EXPECT_TRUE(ping(pool, calls)) << "the closed connection was replaced, not counted as an outage";
  EXPECT_EQ(redis.accepted(), 2);
  EXPECT_EQ(calls, 4) << "the command ran again on the new connection";
  EXPECT_TRUE(ping(pool, calls)) << "and the pool is not paused";
}

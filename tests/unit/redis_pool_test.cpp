// RedisPool: a request never waits long for a Redis that is down or frozen, and while it is, only
// one request per pause tries it. No Redis here: a refused port and a socket that never answers.
#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Redis/Array.h>

#include <chrono>
#include <thread>

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
  return pool.run([&](Poco::Redis::Client& c) {
    ++calls;
    Poco::Redis::Array cmd;
    cmd << "PING";
    c.execute<std::string>(cmd);
  });
}

}  // namespace

TEST(RedisPool, ARefusedConnectionPausesThePool) {
  RedisPool pool(url_on(refused_port()), milliseconds(50), 4, milliseconds(200));
  int calls = 0;
  EXPECT_FALSE(ping(pool, calls));
  EXPECT_EQ(calls, 0) << "no connection, no command";
  const auto t0 = steady_clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(ping(pool, calls));
  EXPECT_LT(steady_clock::now() - t0, milliseconds(150)) << "paused: nobody tries while it lasts";
}

TEST(RedisPool, AFrozenRedisCostsOneRequestATimeoutAndTheOthersNothing) {
  // Listens (the kernel completes the connect) but never reads or answers, like a stopped server.
  Poco::Net::ServerSocket frozen(Poco::Net::SocketAddress("127.0.0.1", 0));
  RedisPool pool(url_on(frozen.address().port()), milliseconds(50), 4, milliseconds(300));
  int calls = 0;
  auto t0 = steady_clock::now();
  EXPECT_FALSE(ping(pool, calls));
  const auto first = steady_clock::now() - t0;
  EXPECT_EQ(calls, 1);
  EXPECT_GE(first, milliseconds(40));
  EXPECT_LT(first, milliseconds(1000));
  t0 = steady_clock::now();
  EXPECT_FALSE(ping(pool, calls));
  EXPECT_EQ(calls, 1) << "the pause keeps the next request off Redis";
  EXPECT_LT(steady_clock::now() - t0, milliseconds(20));
  std::this_thread::sleep_for(milliseconds(320));
  EXPECT_FALSE(ping(pool, calls));
  EXPECT_EQ(calls, 2) << "after the pause one request tries again";
}

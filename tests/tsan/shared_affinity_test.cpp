// Conversation affinity shared with peers (shared/AffinityStore.hpp) is asked from every request
// thread, while shared-state start-up and stop hook and unhook the peers; and the request path's
// RedisPool pauses and resumes from many threads at once. For ThreadSanitizer: no lock is held
// while the peers are asked, so the local table and the peers must each be safe on their own.
#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Redis/Array.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "routing/Affinity.hpp"
#include "shared/AffinityCache.hpp"
#include "shared/RedisPool.hpp"
#include "shared/RedisUrl.hpp"

using namespace aicore::host;
using namespace std::chrono;

namespace {

constexpr int kThreads = 8;

// Redis stand-in, safe like the real one: one lock around a map.
struct LockedPeers : AffinityPeers {
  std::mutex m;
  std::map<uint64_t, std::string> known;
  Found find(uint64_t key, seconds, std::string& url) override {
    std::lock_guard lock(m);
    auto it = known.find(key);
    if (it == known.end()) return Found::No;
    url = it->second;
    return Found::Yes;
  }
  void remember(uint64_t key, const std::string& url, seconds) override {
    std::lock_guard lock(m);
    known[key] = url;
  }
};

}  // namespace

TEST(SharedAffinityConcurrency, TurnsFromManyThreadsWhilePeersComeAndGo) {
  Affinity a(64, seconds(300));
  auto peers = std::make_shared<LockedPeers>();
  std::atomic<bool> stop{false};
  std::thread hook([&] {
    for (int i = 0; !stop; ++i) {
      a.share(i % 2 ? nullptr : peers);
      std::this_thread::yield();
    }
  });
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        const uint64_t conv = static_cast<uint64_t>((i + t) % 100);
        const auto sticky = a.find(conv);
        a.remember(conv, sticky && i % 7 ? *sticky : "https://d" + std::to_string(t));
        if (i % 500 == 0) a.configure(32 + static_cast<size_t>(i % 64), seconds(300));
      }
    });
  for (auto& t : ts) t.join();
  stop = true;
  hook.join();
  EXPECT_LE(a.size(), 96u);
}

TEST(SharedAffinityConcurrency, ThePoolPausesAndResumesFromManyThreads) {
  // A socket that accepts (in the kernel) and never answers: every try times out.
  Poco::Net::ServerSocket frozen(Poco::Net::SocketAddress("127.0.0.1", 0));
  shared::RedisPool pool(shared::parse_redis_url("redis://127.0.0.1:" + std::to_string(frozen.address().port())),
                         milliseconds(5), 4, milliseconds(2));
  // The pool logs its failures: spdlog's registry is made here, before the threads (libspdlog is
  // not instrumented, so TSan cannot see its own once-only start-up).
  spdlog::default_logger();
  std::atomic<int> tries{0}, ok{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 200; ++i)
        if (pool.run([&](shared::RedisConn& c) {
              ++tries;
              Poco::Redis::Array ping;
              ping << "PING";
              c.execute<std::string>(ping);
            }))
          ++ok;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 0);
  EXPECT_GT(tries.load(), 0);
  EXPECT_LT(tries.load(), kThreads * 200) << "the pause kept most requests off the frozen Redis";
}

TEST(SharedAffinityConcurrency, TrackedEntriesUnderReadsInvalidationsAndNewEpochs) {
  // Request threads read, fill and use entries while the reader thread invalidates keys and
  // starts new epochs (its connection lost and made again), as shared/AffinityCache.hpp does.
  shared::TrackedEntries e(64);
  e.reset(1);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> epoch{1};
  std::thread reader([&] {
    for (uint64_t n = 0; !stop; ++n) {
      e.heard(shared::TrackedEntries::Clock::now());
      e.invalidate(n % 100);
      if (n % 1000 == 999) e.reset(++epoch);
    }
  });
  std::vector<std::thread> ts;
  std::atomic<int> hits{0};
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      std::string url;
      for (int i = 0; i < 5000; ++i) {
        const uint64_t conv = static_cast<uint64_t>((i + t) % 100);
        const auto now = shared::TrackedEntries::Clock::now();
        if (e.find(conv, now, url) == shared::TrackedEntries::Look::Hit) {
          ++hits;
          continue;
        }
        const uint64_t token = e.begin(conv, epoch.load());
        e.end(conv, token, "https://d" + std::to_string(t), now + seconds(300));
      }
    });
  for (auto& t : ts) t.join();
  stop = true;
  reader.join();
  EXPECT_LE(e.size(), 64u);
}

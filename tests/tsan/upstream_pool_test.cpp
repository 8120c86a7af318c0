// The upstream connection pool and the registry of calls in flight under many request threads,
// for ThreadSanitizer: one UpstreamClient shared by every thread (as the proxy's requests share
// their runtime's), a pool smaller than the threads so connections are dropped and opened all the
// time, the memory budget leased around each call, then the drain's abort_all() racing calls that
// are blocked on an upstream that never answers.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "server/MemoryBudget.hpp"
#include "support/scripted_upstream.hpp"
#include "upstream/UpstreamClient.hpp"

using namespace aicore::host;
using aicore::test::ScriptedUpstream;

namespace {
constexpr int kThreads = 8;
constexpr int kCalls = 60;
}  // namespace

TEST(Concurrency, UpstreamPoolSharedByManyThreads) {
  UpstreamSettings s;
  s.pool_size_per_host = 2;  // fewer than the threads: connections are closed and opened all along
  s.read_timeout_s = 30;
  InFlightCalls calls;
  UpstreamClient client(s, calls);
  ScriptedUpstream up;
  for (int i = 0; i < kThreads * kCalls; ++i) up.then(ScriptedUpstream::answer(200, "{\"i\":" + std::to_string(i) + "}"));
  MemoryBudget budget;
  std::atomic<int> ok{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < kCalls; ++i) {
        MemoryBudget::Lease lease(budget);
        if (!lease.reserve(1000, 1 << 20)) continue;
        UpstreamCall call;
        call.url = up.url();
        call.body = "{}";
        auto r = client.send(call);
        lease.set(static_cast<int64_t>(r.body.size()));
        if (r.status == 200 && r.body.rfind("{\"i\":", 0) == 0) ok.fetch_add(1);
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), kThreads * kCalls);
  EXPECT_EQ(up.requests(), kThreads * kCalls);  // each sent once
  EXPECT_EQ(budget.used(), 0);
  EXPECT_EQ(calls.size(), 0u);
}

TEST(Concurrency, AbortAllRacesCallsInFlight) {
  UpstreamSettings s;
  s.read_timeout_s = 60;
  InFlightCalls calls;
  UpstreamClient client(s, calls);
  ScriptedUpstream up;
  for (int i = 0; i < kThreads; ++i) up.then(ScriptedUpstream::hang());
  std::atomic<int> aborted{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&] {
      UpstreamCall call;
      call.url = up.url();
      try {
        client.send(call);
      } catch (const UpstreamAborted&) {
        aborted.fetch_add(1);
      } catch (const UpstreamIoError&) {
      }
    });
  up.wait_requests(kThreads);
  // As main() does at the drain deadline: repeated until every call has ended.
  while (aborted.load() < kThreads) {
    calls.abort_all();
    std::this_thread::yield();
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(aborted.load(), kThreads);
  EXPECT_EQ(calls.size(), 0u);
}

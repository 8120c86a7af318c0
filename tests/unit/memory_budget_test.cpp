// The in-flight memory budget: reservations within the limit, refusals beyond it, memory already
// held counted past it, everything returned when a lease ends.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "server/MemoryBudget.hpp"

using aicore::host::MemoryBudget;

TEST(MemoryBudget, ReservesWithinTheLimitAndRefusesBeyond) {
  MemoryBudget b;
  {
    MemoryBudget::Lease a(b), c(b);
    EXPECT_TRUE(a.reserve(600, 1000));
    EXPECT_FALSE(c.reserve(500, 1000));  // 1100 > 1000
    EXPECT_EQ(c.held(), 0);
    EXPECT_TRUE(c.reserve(400, 1000));
    EXPECT_EQ(b.used(), 1000);
    EXPECT_TRUE(a.reserve(100, 1000));  // shrinking always fits
    EXPECT_TRUE(c.reserve(900, 1000));
    a.set(5000);  // held already (an answer arrived): counted past the limit
    EXPECT_EQ(b.used(), 5900);
    MemoryBudget::Lease d(b);
    EXPECT_FALSE(d.reserve(1, 1000));  // new requests wait for it
  }
  EXPECT_EQ(b.used(), 0);
}

TEST(MemoryBudget, ConcurrentLeasesNeverOvercommit) {
  MemoryBudget b;
  constexpr int64_t kLimit = 10'000;
  std::atomic<int64_t> peak{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 8; ++i)
    ts.emplace_back([&, i] {
      for (int k = 0; k < 20000; ++k) {
        MemoryBudget::Lease l(b);
        if (l.reserve(1000 + 100 * i, kLimit)) {
          int64_t u = b.used(), p = peak.load();
          while (u > p && !peak.compare_exchange_weak(p, u)) {
          }
        }
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_LE(peak.load(), kLimit);
  EXPECT_EQ(b.used(), 0);
}

// The queue between request threads and the shared-state thread: one entry per deployment with
// the latest end, nothing lost when a send fails, and a wait that a put ends but a put-back does
// not (while Redis is down the thread keeps its back-off instead of spinning).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "shared/Outbox.hpp"

using aicore::host::shared::Outbox;
using namespace std::chrono;

TEST(SharedOutbox, KeepsTheLatestEndPerDeployment) {
  Outbox box;
  box.put("A", 2000);
  box.put("A", 1500);
  box.put("B", 1000);
  const Outbox::Batch b = box.take();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b.at("A"), 2000);
  EXPECT_EQ(b.at("B"), 1000);
  EXPECT_TRUE(box.take().empty());
}

TEST(SharedOutbox, WhatCouldNotBeSentComesBackMergedWithWhatCameMeanwhile) {
  Outbox box;
  box.put("A", 2000);
  const Outbox::Batch failed = box.take();
  box.put("A", 1000);  // an earlier end arrived meanwhile: the failed batch's later one wins
  box.put("B", 3000);
  box.put_back(failed);
  const Outbox::Batch b = box.take();
  EXPECT_EQ(b.at("A"), 2000);
  EXPECT_EQ(b.at("B"), 3000);
}

TEST(SharedOutbox, APutEndsTheWaitAPutBackDoesNot) {
  Outbox box;
  box.put_back({{"A", 1}});
  auto t0 = steady_clock::now();
  EXPECT_TRUE(box.wait(milliseconds(50)));
  EXPECT_GE(steady_clock::now() - t0, milliseconds(50));  // slept the whole interval
  std::thread putter([&] {
    std::this_thread::sleep_for(milliseconds(20));
    box.put("B", 2);
  });
  t0 = steady_clock::now();
  EXPECT_TRUE(box.wait(seconds(10)));
  EXPECT_LT(steady_clock::now() - t0, seconds(5));
  putter.join();
}

TEST(SharedOutbox, StopEndsTheWaitForGood) {
  Outbox box;
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(20));
    box.stop();
  });
  EXPECT_FALSE(box.wait(seconds(10)));
  stopper.join();
  EXPECT_FALSE(box.wait(seconds(10)));  // at once
}

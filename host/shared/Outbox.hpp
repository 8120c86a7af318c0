// Cooldowns this instance started and has not yet sent to Redis. Request threads put (through
// the Cooldowns hook) and never wait for Redis; the shared-state thread takes, sends, and puts
// back what it could not send. One entry per deployment URL (the latest end wins), so an outage
// cannot make it grow beyond the number of deployments.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace aicore::host::shared {

class Outbox {
 public:
  using Batch = std::unordered_map<std::string, int64_t>;  // URL -> wall-clock ms the cooldown ends
  // Adds one cooldown to `into`, keeping the later end when the URL is already there.
  static void merge(Batch& into, const std::string& url, int64_t until_ms);

  // Request threads: queues and wakes the shared-state thread.
  void put(const std::string& url, int64_t until_ms);
  // Shared-state thread: everything queued (empty when nothing is).
  Batch take();
  // What a failed send leaves, merged back (keeping the later end of each URL).
  void put_back(const Batch& b);

  // Sleeps up to `d`, or until something new is put (not put back: while Redis is down the
  // thread keeps its back-off) or stop() is called. Returns false once stopped.
  bool wait(std::chrono::milliseconds d);
  void stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  Batch pending_;
  bool woken_ = false;  // put() since the last wait()
  bool stopped_ = false;
};

}  // namespace aicore::host::shared

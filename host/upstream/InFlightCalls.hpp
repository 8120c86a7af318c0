// Every upstream exchange in flight, so that the SIGTERM drain's deadline is hard: at
// server.drain_timeout_s main() calls abort_all(), which shuts down each registered connection (a
// thread blocked reading an upstream wakes at once with an error) and refuses calls and back-off
// waits from then on. The handlers then end their requests with what the client can still get: a
// 503 before the first byte, an error event in a stream.
//
// Process-wide (process()) because requests of a configuration replaced by SIGHUP still run on
// their own UpstreamClient; tests make their own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_set>

namespace aicore::host {

class UpstreamSession;

class InFlightCalls {
 public:
  static InFlightCalls& process();

  // Registers a session for the lifetime of one exchange. Throws UpstreamAborted after abort_all().
  class Entry {
   public:
    Entry(InFlightCalls& calls, UpstreamSession& s);
    ~Entry() { leave(); }
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    // Before the session goes back to the pool or is closed.
    void leave();

   private:
    InFlightCalls* calls_;
    UpstreamSession* s_;
  };

  // Shuts down every registered connection and refuses new calls from now on.
  void abort_all();
  bool aborted() const;
  // Throws UpstreamAborted when abort_all() has been called.
  void check() const;
  // Sleeps for `d` unless abort_all() comes first: false when it did (the request must end).
  bool sleep_for(std::chrono::steady_clock::duration d);
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_set<UpstreamSession*> live_;
  bool aborted_ = false;
};

}  // namespace aicore::host

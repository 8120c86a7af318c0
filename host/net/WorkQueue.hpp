// Connections with a complete request head, waiting for a worker thread. Poco's
// TCPServerDispatcher was made for one hand-off per connection: it retires a thread whenever its
// queue is momentarily empty, so with one hand-off per request every request paid a thread-pool
// start (bench/conn-ab.sh measured ~60% more CPU per request). Here workers stay and wait for the
// next connection; they come from the same Poco::ThreadPool (its 256 KiB stacks) and retire after
// being idle for a while.
#pragma once

#include <Poco/Net/StreamSocket.h>
#include <Poco/Runnable.h>
#include <Poco/ThreadPool.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace aicore::host::net {

class WorkQueue {
 public:
  using Work = std::function<void(Poco::Net::StreamSocket&)>;
  WorkQueue(Poco::ThreadPool& pool, int max_threads, int max_queued, Work work);
  ~WorkQueue() { stop(); }
  WorkQueue(const WorkQueue&) = delete;

  // False when max_queued connections already wait (the caller closes this one).
  bool push(const Poco::Net::StreamSocket& s);
  // Drops what still waits; workers finish their current connection and retire.
  void stop();

 private:
  void worker();
  struct Starter : Poco::Runnable {
    explicit Starter(WorkQueue& q) : q(q) {}
    void run() override { q.worker(); }
    WorkQueue& q;
  };

  Poco::ThreadPool& pool_;
  const int max_threads_;
  const size_t max_queued_;
  Work work_;
  Starter starter_{*this};

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable done_;
  std::deque<Poco::Net::StreamSocket> queue_;
  int threads_ = 0;  // workers started and not retired
  int idle_ = 0;     // of which waiting for work
  bool stopping_ = false;
};

}  // namespace aicore::host::net

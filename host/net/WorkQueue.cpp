#include "net/WorkQueue.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace aicore::host::net {
namespace {

// A worker idle this long retires (the pool keeps its thread for later).
constexpr auto kIdle = std::chrono::seconds(30);

}  // namespace

WorkQueue::WorkQueue(Poco::ThreadPool& pool, int max_threads, int max_queued, Work work)
    : pool_(pool), max_threads_(max_threads), max_queued_(static_cast<size_t>(max_queued)), work_(std::move(work)) {}

bool WorkQueue::push(const Poco::Net::StreamSocket& s) {
  bool start = false;
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back(s);
    // More connections waiting than idle workers to take them: one more worker.
    if (static_cast<size_t>(idle_) < queue_.size() && threads_ < max_threads_) {
      ++threads_;
      start = true;
    }
  }
  if (!start) {
    cv_.notify_one();
    return true;
  }
  try {
    pool_.start(starter_, "aicore-worker");
  } catch (const Poco::Exception& e) {
    // The pool is full (threads of ours still retiring): a running worker takes it later.
    spdlog::debug("no worker thread available: {}", e.displayText());
    std::lock_guard lock(mu_);
    --threads_;
  }
  return true;
}

void WorkQueue::stop() {
  std::unique_lock lock(mu_);
  stopping_ = true;
  queue_.clear();
  cv_.notify_all();
  done_.wait(lock, [&] { return threads_ == 0; });
}

void WorkQueue::worker() {
  std::unique_lock lock(mu_);
  for (;;) {
    ++idle_;
    const bool got = cv_.wait_for(lock, kIdle, [&] { return stopping_ || !queue_.empty(); });
    --idle_;
    if (stopping_ || !got) break;
    Poco::Net::StreamSocket s = queue_.front();  // a reference-counted handle: copied, then popped
    queue_.pop_front();
    lock.unlock();
    try {
      work_(s);
    } catch (const std::exception& e) { spdlog::error("connection worker: {}", e.what()); }
    lock.lock();
  }
  --threads_;
  done_.notify_all();
}

}  // namespace aicore::host::net

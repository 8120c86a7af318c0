// Runs code on a thread with the stack the proxy's workers have (host/main.cpp gives its
// Poco::ThreadPool 256 KiB per thread, and Poco passes that to pthread_attr_setstacksize as done
// here). Tests and fuzz targets call the code under test through this, so a recursion over client
// or upstream data that would overflow a worker overflows here too, instead of passing quietly
// on the main thread's 8 MiB.
#pragma once

#include <pthread.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <functional>
#include <mutex>
#include <type_traits>

namespace test_support {

// Keep equal to the stack size in host/main.cpp's Poco::ThreadPool.
inline constexpr size_t kWorkerStackBytes = 256 * 1024;

// Calls f() on a fresh thread with a kWorkerStackBytes stack and waits for it; an exception f()
// throws is rethrown here. A stack overflow ends the process (SIGSEGV, or ASan's stack-overflow
// report), which is the point.
template <class F>
void run_on_worker_stack(F&& f) {
  struct Call {
    std::remove_reference_t<F>* fn;
    std::exception_ptr error;
  } call{&f, nullptr};
  auto entry = [](void* p) -> void* {
    auto* c = static_cast<Call*>(p);
    try {
      (*c->fn)();
    } catch (...) {
      c->error = std::current_exception();
    }
    return nullptr;
  };
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kWorkerStackBytes);
  pthread_t thread;
  if (int rc = pthread_create(&thread, &attr, entry, &call)) {
    std::fprintf(stderr, "run_on_worker_stack: pthread_create: %s\n", std::strerror(rc));
    std::abort();
  }
  pthread_attr_destroy(&attr);
  pthread_join(thread, nullptr);
  if (call.error) std::rethrow_exception(call.error);
}

// One long-lived thread with a kWorkerStackBytes stack that runs callables handed to it, one at a
// time, while the caller waits: run_on_worker_stack without creating a thread per call (which
// under ASan costs more than most fuzz inputs). The thread lives until the process ends: create
// the WorkerThread with new and never destroy it (its thread waits on its condition variable).
class WorkerThread {
 public:
  WorkerThread() {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, kWorkerStackBytes);
    pthread_t thread;
    if (int rc = pthread_create(&thread, &attr, &WorkerThread::loop, this)) {
      std::fprintf(stderr, "WorkerThread: pthread_create: %s\n", std::strerror(rc));
      std::abort();
    }
    pthread_attr_destroy(&attr);
    pthread_detach(thread);
  }
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  template <class F>
  void run(F&& f) {
    std::function<void()> job = [&] { f(); };
    std::unique_lock lock(m_);
    job_ = &job;
    error_ = nullptr;
    cv_.notify_all();
    cv_.wait(lock, [&] { return job_ == nullptr; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  static void* loop(void* self) {
    auto* w = static_cast<WorkerThread*>(self);
    std::unique_lock lock(w->m_);
    for (;;) {
      w->cv_.wait(lock, [&] { return w->job_ != nullptr; });
      try {
        (*w->job_)();
      } catch (...) {
        w->error_ = std::current_exception();
      }
      w->job_ = nullptr;
      w->cv_.notify_all();
    }
    return nullptr;
  }

  std::mutex m_;
  std::condition_variable cv_;
  std::function<void()>* job_ = nullptr;
  std::exception_ptr error_;
};

// The stack size the calling thread really has (pthread_getattr_np), to prove the limit applies.
inline size_t current_stack_bytes() {
  pthread_attr_t attr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstacksize(&attr, &size);
    pthread_attr_destroy(&attr);
  }
  return size;
}

}  // namespace test_support

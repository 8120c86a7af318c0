#include "runtime/Reloader.hpp"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include "log/Log.hpp"

namespace aicore::host {

void block_control_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGQUIT, SIGHUP}) sigaddset(&set, s);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

Reloader::Reloader(std::shared_ptr<RuntimeHolder> holder, Build build, std::function<void()> reloaded)
    : holder_(std::move(holder)),
      build_(std::move(build)),
      reloaded_(std::move(reloaded)),
      thread_([this] { run_(); }) {}

Reloader::~Reloader() {
  stop_ = true;
  pthread_kill(thread_.native_handle(), SIGHUP);  // wake sigwait
  thread_.join();
}

void Reloader::run_() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (stop_) return;
    spdlog::info("SIGHUP: reloading the configuration");
    try {
      {
        std::lock_guard rebuild(holder_->rebuild_mu);  // not while discovery swaps in its own
        auto rt = build_();
        holder_->set(rt);
        rt->settle_shared_state();
      }
      holder_->reloads.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("configuration reloaded; requests already running finish on the previous one");
      if (reloaded_) reloaded_();
    } catch (const std::exception& e) {
      spdlog::error("configuration reload refused, keeping the current one: {}", redact(e.what()));
    }
  }
}

}  // namespace aicore::host

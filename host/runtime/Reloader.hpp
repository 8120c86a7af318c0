// SIGHUP reloads the configuration (keys, deployments, enabled plugins) without dropping
// in-flight requests: a new Runtime is built beside the old one and swapped in; requests that
// already started finish on the old one. A config that does not validate is refused with its
// precise error, and the old one stays in force.
#pragma once

#include <functional>
#include <memory>
#include <thread>

#include "runtime/RuntimeHolder.hpp"

namespace aicore::host {

// Blocks SIGINT, SIGTERM, SIGQUIT and SIGHUP in the calling thread and every thread it starts
// later, so they are taken by sigwait (termination in main, SIGHUP in the Reloader) instead of
// killing the process from whichever worker thread the kernel picks.
void block_control_signals();

class Reloader {
 public:
  using Build = std::function<std::shared_ptr<Runtime>()>;  // throws ConfigError
  // `reloaded` runs after a new configuration is in force (deployment discovery lists again).
  Reloader(std::shared_ptr<RuntimeHolder> holder, Build build, std::function<void()> reloaded = {});
  ~Reloader();

 private:
  void run_();
  std::shared_ptr<RuntimeHolder> holder_;
  Build build_;
  std::function<void()> reloaded_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace aicore::host

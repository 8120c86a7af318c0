// Closes the dashboard's 10-second steps as they end: one thread that wakes at each step boundary
// (wall clock) and reads the metrics' counters, so the 15-minute history exists before anyone
// opens the page. One per process, started and stopped by the server.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dashboard/SeriesWindow.hpp"

namespace aicore::host::dashboard {

class SeriesSampler {
 public:
  static SeriesSampler& process();
  ~SeriesSampler();

  void start();  // idempotent
  void stop();

  // The window as of `now_ms`, the counters being `current` (see SeriesWindow::view); t0_ms:
  // where its first step begins.
  std::map<std::string, std::vector<metrics::ModelCounts>> view(int64_t now_ms, const Totals& current,
                                                                int64_t& t0_ms) const;

 private:
  void run();

  mutable std::mutex m_;
  std::condition_variable wake_;
  bool stop_ = false;
  SeriesWindow window_;
  std::thread thread_;
};

}  // namespace aicore::host::dashboard

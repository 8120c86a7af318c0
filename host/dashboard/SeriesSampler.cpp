#include "dashboard/SeriesSampler.hpp"

#include <chrono>

#include "ledger/UsageRow.hpp"  // unix_ms_now

namespace aicore::host::dashboard {

SeriesSampler& SeriesSampler::process() {
  metrics::Metrics::process();  // constructed first, so destroyed after the sampler has stopped
  static SeriesSampler s;
  return s;
}

SeriesSampler::~SeriesSampler() { stop(); }

void SeriesSampler::start() {
  std::lock_guard lock(m_);
  if (thread_.joinable()) return;
  stop_ = false;
  window_.start(metrics::Metrics::process().model_counts());
  thread_ = std::thread([this] { run(); });
}

void SeriesSampler::stop() {
  {
    std::lock_guard lock(m_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void SeriesSampler::run() {
  std::unique_lock lock(m_);
  while (!stop_) {
    const int64_t now = unix_ms_now();
    const int64_t step = SeriesWindow::step_of(now);
    const int64_t next_ms = (step + 1) * SeriesWindow::kStepMs;
    // The wall clock sets the step boundaries (the page shows wall-clock times); wait_for on the
    // steady clock, so a clock change cannot stall the sampler for long.
    wake_.wait_for(lock, std::chrono::milliseconds(next_ms - now));
    if (stop_) break;
    if (unix_ms_now() < next_ms) continue;  // woke early
    // Reading the counters takes each metrics shard's lock briefly; not worth releasing ours.
    window_.close_step(step, metrics::Metrics::process().model_counts());
  }
}

std::map<std::string, std::vector<metrics::ModelCounts>> SeriesSampler::view(int64_t now_ms, const Totals& current,
                                                                             int64_t& t0_ms) const {
  const int64_t now_step = SeriesWindow::step_of(now_ms);
  t0_ms = (now_step - static_cast<int64_t>(SeriesWindow::kPoints) + 1) * SeriesWindow::kStepMs;
  std::lock_guard lock(m_);
  return window_.view(now_step, current);
}

}  // namespace aicore::host::dashboard

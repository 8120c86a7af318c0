#include "ledger/Ledger.hpp"

#include <spdlog/spdlog.h>

#include "metrics/Metrics.hpp"
#include "server/AccessLog.hpp"

namespace aicore::host {
namespace {

constexpr size_t kBatch = 1000;  // rows a transaction takes at most
constexpr auto kPruneEvery = std::chrono::hours(1);
constexpr auto kDropLogEvery = std::chrono::seconds(10);

}  // namespace

Ledger::Ledger(const UsageSettings& s)
    : file_(s.file),
      db_(std::make_unique<LedgerDb>(s.file, LedgerDb::Mode::ReadWrite)),
      capacity_(static_cast<size_t>(s.queue_size)),
      interval_(s.flush_interval_ms),
      retention_days_(s.retention_days) {
  prune_if_due(std::chrono::steady_clock::now(), retention_days_);
  writer_ = std::thread([this] { run(); });
}

Ledger::~Ledger() {
  {
    std::lock_guard lk(m_);
    stop_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

void Ledger::configure(const UsageSettings& s) {
  std::lock_guard lk(m_);
  capacity_ = static_cast<size_t>(s.queue_size);
  interval_ = std::chrono::milliseconds(s.flush_interval_ms);
  retention_days_ = s.retention_days;
}

bool Ledger::record(UsageRow row) {
  bool full = false;
  {
    std::lock_guard lk(m_);
    if (queue_.size() >= capacity_) {
      full = true;
    } else {
      queue_.push_back(std::move(row));
      ++queued_total_;
      if (queue_.size() < kBatch) return true;
    }
  }
  if (!full) {
    wake_.notify_one();  // a whole batch: write it now
    return true;
  }
  dropped_.fetch_add(1, std::memory_order_relaxed);
  metrics::Metrics::process().ledger_dropped.fetch_add(1, std::memory_order_relaxed);
  return false;
}

void Ledger::flush() {
  std::unique_lock lk(m_);
  const uint64_t target = queued_total_;
  if (written_total_ >= target) return;
  flush_wanted_ = true;
  wake_.notify_one();
  written_cv_.wait(lk, [&] { return written_total_ >= target || stop_; });
}

void Ledger::run() {
  std::vector<UsageRow> batch;
  std::unique_lock lk(m_);
  for (;;) {
    wake_.wait_for(lk, interval_, [&] { return stop_ || flush_wanted_ || queue_.size() >= kBatch; });
    // Woken early by flush() or a full batch; otherwise the interval passed.
    const bool stopping = stop_;
    flush_wanted_ = false;
    batch.swap(queue_);
    const uint64_t taken = queued_total_;
    const size_t capacity = capacity_;
    const int retention_days = retention_days_;
    lk.unlock();
    if (!batch.empty()) write(batch, capacity);
    batch.clear();
    prune_if_due(std::chrono::steady_clock::now(), retention_days);
    lk.lock();
    written_total_ = taken;
    written_cv_.notify_all();
    if (stopping && queue_.empty()) return;
  }
}

void Ledger::write(std::vector<UsageRow>& batch, size_t capacity) {
  try {
    db_->insert(batch);
    written_.fetch_add(static_cast<int64_t>(batch.size()), std::memory_order_relaxed);
  } catch (const LedgerError& e) {
    // A full disk or a locked file: these rows are lost, and counted as dropped.
    dropped_.fetch_add(static_cast<int64_t>(batch.size()), std::memory_order_relaxed);
    metrics::Metrics::process().ledger_dropped.fetch_add(static_cast<int64_t>(batch.size()), std::memory_order_relaxed);
    spdlog::error("{} ({} usage rows lost)", e.what(), batch.size());
  }
  // The queue's overflow since the last note, said at most every 10 s.
  const int64_t dropped = dropped_.load(std::memory_order_relaxed);
  const auto now = std::chrono::steady_clock::now();
  if (dropped > drops_unlogged_ && now - last_drop_log_ >= kDropLogEvery) {
    spdlog::warn("usage ledger: {} rows dropped so far (the queue of {} was full; see usage.queue_size)", dropped,
                 capacity);
    drops_unlogged_ = dropped;
    last_drop_log_ = now;
  }
}

void Ledger::prune_if_due(std::chrono::steady_clock::time_point now, int retention_days) {
  if (retention_days <= 0 ||
      (last_prune_ != std::chrono::steady_clock::time_point{} && now - last_prune_ < kPruneEvery))
    return;
  last_prune_ = now;
  try {
    const int64_t gone = db_->prune(unix_ms_now() - int64_t(retention_days) * 86400000);
    if (gone > 0) spdlog::info("usage ledger: {} rows older than {} days removed", gone, retention_days);
  } catch (const LedgerError& e) { spdlog::error("{}", e.what()); }
}

UsageRow usage_row(const AccessRecord& rec, const std::string& model_key) {
  UsageRow r;
  r.time_ms = unix_ms_now();
  r.request_id = rec.id;
  r.key = rec.key;
  r.dialect = rec.dialect;
  r.client_model = rec.model;
  r.model = model_key;
  r.plugin = rec.plugin;
  r.subaccount = rec.subaccount;
  r.deployment = rec.deployment;
  r.status = rec.status;
  r.attempts = rec.attempts;
  r.stream = rec.stream;
  r.usage = rec.usage;
  r.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - rec.start).count();
  r.ttfb_ms = rec.ttfb_ms;
  return r;
}

}  // namespace aicore::host

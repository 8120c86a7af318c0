// The usage ledger's writer: requests hand their UsageRow to a bounded queue and go on; one
// background thread writes what has gathered as one transaction every flush interval (or sooner
// when a batch is full), and prunes rows older than the retention once an hour. The request path
// takes one short lock and never waits on the disk: when the queue is full the row is dropped,
// counted (aicore_ledger_dropped_total) and logged.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/Config.hpp"
#include "ledger/LedgerDb.hpp"

namespace aicore::host {

class Ledger {
 public:
  // Opens (creates) settings.file; throws LedgerError when it cannot.
  explicit Ledger(const UsageSettings& settings);
  // Writes what is queued, then stops the writer.
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Queues the row; false (and counted) when the queue is full.
  bool record(UsageRow row);
  // Waits until every row queued before the call is written (tests, `usage` after a request).
  void flush();
  // New settings from a reload (the file is the same): queue size, interval, retention.
  void configure(const UsageSettings& settings);

  const std::string& file() const { return file_; }
  int64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  int64_t written() const { return written_.load(std::memory_order_relaxed); }

 private:
  void run();
  // Writer thread only (with the settings read under m_).
  void write(std::vector<UsageRow>& batch, size_t capacity);
  void prune_if_due(std::chrono::steady_clock::time_point now, int retention_days);

  std::string file_;
  std::unique_ptr<LedgerDb> db_;  // only the writer thread uses it after construction

  std::mutex m_;
  std::condition_variable wake_, written_cv_;
  std::vector<UsageRow> queue_;
  size_t capacity_;
  std::chrono::milliseconds interval_;
  int retention_days_;
  uint64_t queued_total_ = 0, written_total_ = 0;  // under m_: flush() waits for written_total_
  bool stop_ = false, flush_wanted_ = false;
  std::atomic<int64_t> dropped_{0}, written_{0};
  std::chrono::steady_clock::time_point last_prune_{}, last_drop_log_{};
  int64_t drops_unlogged_ = 0;
  std::thread writer_;
};

// The row a finished request leaves, from its access record.
struct AccessRecord;
UsageRow usage_row(const AccessRecord& rec, const std::string& model_key);

}  // namespace aicore::host

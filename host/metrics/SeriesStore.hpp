// Labelled counters that the request path updates without taking a shared lock. Each thread
// counts into its own shard (a map only that thread changes); a scrape locks one shard at a time
// and sums them. A shard's map is changed only under its own mutex, which only a scrape contends
// for, and only when a thread meets a label set for the first time; every later update is one
// relaxed atomic add on a cache line no other thread writes.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aicore::host::metrics {

class SeriesStore {
 public:
  // A series: `slots` counters under one key (a counter has one; a histogram its buckets, count and sum).
  using Slots = std::atomic<uint64_t>*;
  using Snapshot = std::map<std::string, std::vector<uint64_t>>;  // key -> summed slots, sorted

  SeriesStore();
  SeriesStore(const SeriesStore&) = delete;
  ~SeriesStore();

  // The calling thread's slots for `key` (created zeroed on first use). `slots` must be the same
  // for every use of one key; keys of different metrics must differ (prefix them with the name).
  Slots slots(std::string_view key, size_t slots);

  // Every series whose key starts with `prefix`, summed over the threads.
  Snapshot snapshot(std::string_view prefix) const;

 private:
  struct Series {
    size_t n;
    std::unique_ptr<std::atomic<uint64_t>[]> v;
  };
  struct KeyHash {  // finds by string_view without building a string
    using is_transparent = void;
    size_t operator()(std::string_view k) const { return std::hash<std::string_view>{}(k); }
  };
  struct Shard {
    std::mutex mu;  // held to change `series`, and by a scrape to read it
    std::unordered_map<std::string, Series, KeyHash, std::equal_to<>> series;
  };
  // Shared with the threads' shard lists, so a thread that ends after the store does not touch it.
  struct State {
    std::mutex mu;  // guards shards and retired
    std::vector<std::unique_ptr<Shard>> shards;
    Snapshot retired;  // the counts of threads that have ended
    void retire(Shard* s);
  };
  friend struct ThreadShards;
  Shard& mine();
  static void add(Snapshot& out, const std::string& key, const Series& s);

  uint64_t id_;  // never reused, so a thread's list cannot mistake a new store for a dead one
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace aicore::host::metrics

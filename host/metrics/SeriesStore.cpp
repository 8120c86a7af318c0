#include "metrics/SeriesStore.hpp"

#include <algorithm>

namespace aicore::host::metrics {
namespace {
std::atomic<uint64_t> next_id{1};
}  // namespace

// The shards the calling thread counts into, one per store; on thread exit each one's counts
// move to its store's retired totals (when the store still exists).
struct ThreadShards {
  struct Entry {
    uint64_t id;
    SeriesStore::Shard* shard;
    std::weak_ptr<SeriesStore::State> state;
  };
  std::vector<Entry> entries;
  ~ThreadShards() {
    for (auto& e : entries)
      if (auto st = e.state.lock()) st->retire(e.shard);
  }
};

namespace {
thread_local ThreadShards tls_shards;
}  // namespace

SeriesStore::SeriesStore() : id_(next_id.fetch_add(1, std::memory_order_relaxed)) {}

SeriesStore::~SeriesStore() = default;

SeriesStore::Shard& SeriesStore::mine() {
  for (auto& e : tls_shards.entries)
    if (e.id == id_) return *e.shard;
  auto owned = std::make_unique<Shard>();
  Shard* s = owned.get();
  {
    std::lock_guard lock(state_->mu);
    state_->shards.push_back(std::move(owned));
  }
  tls_shards.entries.push_back({id_, s, state_});
  return *s;
}

SeriesStore::Slots SeriesStore::slots(std::string_view key, size_t n) {
  Shard& s = mine();
  // Only this thread changes the map, so finding without the lock races with nothing but a
  // scrape's reads.
  if (auto it = s.series.find(key); it != s.series.end()) return it->second.v.get();
  Series fresh{n, std::make_unique<std::atomic<uint64_t>[]>(n)};
  for (size_t i = 0; i < n; ++i) fresh.v[i].store(0, std::memory_order_relaxed);
  std::lock_guard lock(s.mu);
  return s.series.emplace(std::string(key), std::move(fresh)).first->second.v.get();
}

void SeriesStore::add(Snapshot& out, const std::string& key, const Series& s) {
  auto& sum = out[key];
  if (sum.size() < s.n) sum.resize(s.n, 0);
  for (size_t i = 0; i < s.n; ++i) sum[i] += s.v[i].load(std::memory_order_relaxed);
}

void SeriesStore::State::retire(Shard* s) {
  std::lock_guard lock(mu);
  auto it = std::find_if(shards.begin(), shards.end(), [&](const auto& p) { return p.get() == s; });
  if (it == shards.end()) return;
  {
    std::lock_guard shard_lock(s->mu);
    for (const auto& [key, series] : s->series) add(retired, key, series);
  }
  shards.erase(it);
}

SeriesStore::Snapshot SeriesStore::snapshot(std::string_view prefix) const {
  Snapshot out;
  std::lock_guard lock(state_->mu);
  for (const auto& [key, sum] : state_->retired)
    if (key.starts_with(prefix)) {
      auto& o = out[key];
      if (o.size() < sum.size()) o.resize(sum.size(), 0);
      for (size_t i = 0; i < sum.size(); ++i) o[i] += sum[i];
    }
  for (const auto& shard : state_->shards) {
    std::lock_guard shard_lock(shard->mu);
    for (const auto& [key, series] : shard->series)
      if (key.starts_with(prefix)) add(out, key, series);
  }
  return out;
}

}  // namespace aicore::host::metrics

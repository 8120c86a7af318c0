#include "shared/AffinityWriter.hpp"

#include <Poco/Redis/Array.h>

#include <vector>

namespace aicore::host::shared {

AffinityWriter::AffinityWriter(std::shared_ptr<RedisPool> pool, size_t max_queued)
    : pool_(std::move(pool)), max_(max_queued), thread_([this] { run_(); }) {}

AffinityWriter::~AffinityWriter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void AffinityWriter::put(uint64_t id, std::string key, std::string value, std::chrono::milliseconds ttl) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= max_) {
      if (auto it = pending_.find(queue_.front().id); it != pending_.end() && it->second == queue_.front().value)
        pending_.erase(it);
      queue_.pop_front();
    }
    pending_[id] = value;
    queue_.push_back(Write{id, std::move(key), std::move(value), ttl});
  }
  cv_.notify_one();
}

std::optional<std::string> AffinityWriter::pending(uint64_t id) {
  std::lock_guard lock(mu_);
  if (pending_.empty()) return std::nullopt;  // the common case: nothing in flight
  const auto it = pending_.find(id);
  if (it == pending_.end()) return std::nullopt;
  return it->second;
}

void AffinityWriter::run_() {
  for (;;) {
    std::deque<Write> batch;
    bool last = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      batch.swap(queue_);
      last = stop_;
    }
    if (!batch.empty()) {
      std::vector<Poco::Redis::Array> cmds(batch.size());
      for (size_t i = 0; i < batch.size(); ++i)
        cmds[i] << "SET" << batch[i].key << batch[i].value << "PX" << std::to_string(batch[i].ttl.count());
      // One round trip for the lot; a failure drops it (the pool pauses, Redis is away).
      pool_->run([&](RedisConn& c) { c.sendCommands(cmds); });
      // Sent (or dropped with Redis away): Redis, or this instance's own memory, answers now. A
      // newer value queued meanwhile stays pending.
      std::lock_guard lock(mu_);
      for (const auto& w : batch)
        if (auto it = pending_.find(w.id); it != pending_.end() && it->second == w.value) pending_.erase(it);
    }
    if (last) return;
  }
}

}  // namespace aicore::host::shared

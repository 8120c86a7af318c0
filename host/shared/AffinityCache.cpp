#include "shared/AffinityCache.hpp"

#include <Poco/Redis/Array.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "log/Log.hpp"
#include "shared/RedisConn.hpp"

namespace aicore::host::shared {
namespace {
constexpr const char* kPrefix = "aicore:affinity:";
constexpr const char* kChannel = "__redis__:invalidate";
constexpr auto kIdle = std::chrono::milliseconds(250);  // the reader pings Redis after this long idle
using Clock = TrackedEntries::Clock;
}  // namespace

std::string affinity_redis_key(uint64_t conversation) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(conversation));
  return std::string(kPrefix) + hex;
}

std::optional<uint64_t> affinity_conversation(const std::string& redis_key) {
  const std::string_view prefix(kPrefix);
  if (redis_key.size() != prefix.size() + 16 || !redis_key.starts_with(prefix)) return std::nullopt;
  uint64_t v = 0;
  for (size_t i = prefix.size(); i < redis_key.size(); ++i) {
    const char c = redis_key[i];
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  return v;
}

// ---- TrackedEntries ----

TrackedEntries::Look TrackedEntries::find(uint64_t key, Clock::time_point now, std::string& url) {
  std::lock_guard lock(mu_);
  if (epoch_ == 0 || now - heard_ > max_silence_) return Look::Miss;
  const auto it = entries_.find(key);
  if (it == entries_.end() || it->second.token != 0) return Look::Miss;
  url = it->second.url;
  return now < it->second.refresh_due ? Look::Hit : Look::Refresh;
}

uint64_t TrackedEntries::begin(uint64_t key, uint64_t epoch) {
  std::lock_guard lock(mu_);
  if (epoch == 0 || epoch != epoch_) return 0;
  // Bounded: when full, start over (Redis keeps tracking what it tracked; a few extra
  // invalidations for keys no longer here are harmless).
  if (entries_.size() >= max_ && !entries_.contains(key)) entries_.clear();
  const uint64_t token = next_token_++;
  entries_[key] = Entry{token, {}, {}};
  return token;
}

void TrackedEntries::end(uint64_t key, uint64_t token, const std::string& url, Clock::time_point refresh_due) {
  if (token == 0) return;
  std::lock_guard lock(mu_);
  const auto it = entries_.find(key);
  if (it == entries_.end() || it->second.token != token) return;  // invalidated meanwhile
  if (url.empty()) {
    entries_.erase(it);  // not in Redis (or the read failed): nothing to keep
    return;
  }
  it->second = Entry{0, url, refresh_due};
}

void TrackedEntries::invalidate(uint64_t key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

void TrackedEntries::reset(uint64_t epoch) {
  std::lock_guard lock(mu_);
  entries_.clear();
  epoch_ = epoch;
}

uint64_t TrackedEntries::epoch() const {
  std::lock_guard lock(mu_);
  return epoch_;
}

void TrackedEntries::heard(Clock::time_point t) {
  std::lock_guard lock(mu_);
  heard_ = t;
}

size_t TrackedEntries::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

// ---- InvalidationReader ----

InvalidationReader::InvalidationReader(RedisUrl url, std::chrono::milliseconds timeout, TrackedEntries& entries)
    : url_(std::move(url)), timeout_(timeout), entries_(entries), thread_([this] { run_(); }) {}

InvalidationReader::~InvalidationReader() {
  stop_ = true;
  {
    std::lock_guard lock(mu_);
    if (live_) live_->shutdown();  // ends the read the thread may be blocked in
  }
  thread_.join();
}

std::optional<InvalidationReader::Session> InvalidationReader::session() const {
  std::lock_guard lock(mu_);
  return session_;
}

void InvalidationReader::run_() {
  using namespace std::chrono;
  uint64_t epochs = 0;
  milliseconds backoff(100);
  while (!stop_) {
    try {
      auto c = open_redis(url_, timeout_);
      Poco::Redis::Array id_cmd, sub;
      id_cmd << "CLIENT"
             << "ID";
      const auto id = c->execute<Poco::Int64>(id_cmd);
      sub << "SUBSCRIBE" << kChannel;
      c->send(sub);
      RedisConn::as<Poco::Redis::Array>(c->read_reply());  // ["subscribe", channel, 1]
      const uint64_t epoch = ++epochs;
      entries_.reset(epoch);
      entries_.heard(Clock::now());
      {
        std::lock_guard lock(mu_);
        if (stop_) break;
        live_ = c.get();
        session_ = Session{id, epoch};
      }
      struct Unlist {  // before `c` goes: the destructor must not shut down a dead connection
        InvalidationReader* r;
        ~Unlist() {
          std::lock_guard lock(r->mu_);
          r->live_ = nullptr;
          r->session_.reset();
        }
      } unlist{this};
      backoff = milliseconds(100);
      serve_(*c, epoch);
    } catch (const std::exception& e) {
      if (!stop_)
        spdlog::debug("shared state: the invalidation reader lost Redis ({}): conversations are asked for again",
                      redact(e.what()));
    }
    entries_.reset(0);
    for (auto waited = milliseconds(0); waited < backoff && !stop_; waited += milliseconds(20))
      std::this_thread::sleep_for(milliseconds(20));
    backoff = std::min(backoff * 2, milliseconds(5000));
  }
}

// Reads invalidations until the connection fails or the reader stops. When idle it pings, so a
// Redis that stopped answering is noticed within about kIdle + timeout, and entries stop answering
// within TrackedEntries' max silence, whichever comes first.
void InvalidationReader::serve_(RedisConn& c, uint64_t epoch) {
  using Poco::Redis::Array;
  using Poco::Redis::BulkString;
  bool ping_out = false;
  Clock::time_point ping_sent{};
  while (!stop_) {
    if (!c.buffered() && !c.socket().poll(Poco::Timespan(kIdle.count() * 1000), Poco::Net::Socket::SELECT_READ)) {
      if (ping_out && Clock::now() - ping_sent > timeout_) throw Poco::TimeoutException("Redis did not answer PING");
      if (!ping_out) {
        Array ping;
        ping << "PING";
        c.send(ping);
        ping_out = true;
        ping_sent = Clock::now();
      }
      continue;
    }
    const Array msg = RedisConn::as<Array>(c.read_reply());
    entries_.heard(Clock::now());
    const auto kind = msg.get<BulkString>(0);
    if (kind.isNull()) continue;
    if (kind.value() == "pong") {
      ping_out = false;
      continue;
    }
    // Anything but Redis's own invalidations (someone else publishing on the channel) is ignored.
    if (kind.value() != "message" || msg.size() < 3 || msg.getType(2) != Poco::Redis::RedisTypeTraits<Array>::TypeId)
      continue;
    // The keys invalidated; a null array: all of them (FLUSHALL, FLUSHDB).
    const auto payload = msg.get<Array>(2);
    if (payload.isNull()) {
      entries_.reset(epoch);
      continue;
    }
    for (size_t i = 0; i < payload.size(); ++i) {
      const auto key = payload.get<BulkString>(i);
      if (key.isNull()) continue;
      if (const auto conv = affinity_conversation(key.value())) entries_.invalidate(*conv);
    }
  }
}

}  // namespace aicore::host::shared

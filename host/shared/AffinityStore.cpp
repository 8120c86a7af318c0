#include "shared/AffinityStore.hpp"

#include <Poco/Redis/Array.h>
#include <Poco/Redis/Type.h>

#include <cstdio>

namespace aicore::host::shared {
namespace {
std::string ms(std::chrono::seconds s) { return std::to_string(std::chrono::milliseconds(s).count()); }
}  // namespace

std::string AffinityStore::redis_key(uint64_t conversation) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(conversation));
  return std::string("aicore:affinity:") + hex;
}

AffinityPeers::Found AffinityStore::find(uint64_t key, std::chrono::seconds ttl, std::string& url) {
  Found found = Found::Unavailable;
  pool_->run([&](Poco::Redis::Client& c) {
    Poco::Redis::Array getex;
    getex << "GETEX" << redis_key(key) << "PX" << ms(ttl);  // Redis >= 6.2, like ZADD GT
    const auto reply = c.execute<Poco::Redis::BulkString>(getex);
    if (reply.isNull()) {
      found = Found::No;
    } else {
      url = reply.value();
      found = url.empty() ? Found::No : Found::Yes;
    }
  });
  return found;
}

void AffinityStore::remember(uint64_t key, const std::string& url, std::chrono::seconds ttl) {
  pool_->run([&](Poco::Redis::Client& c) {
    Poco::Redis::Array set;
    set << "SET" << redis_key(key) << url << "PX" << ms(ttl);
    c.execute<std::string>(set);
  });
}

}  // namespace aicore::host::shared

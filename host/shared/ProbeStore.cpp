#include "shared/ProbeStore.hpp"

#include <Poco/Redis/Array.h>
#include <Poco/Redis/Type.h>

#include <cstdio>
#include <random>

#include "shared/RedisConn.hpp"

namespace aicore::host::shared {
namespace {

std::string random_id() {
  std::random_device rd;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%08x%08x", rd(), rd());
  return hex;
}

// Ends or shortens the claim only while it is still ours (another instance may hold it by now).
constexpr const char* kRelease =
    "if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end "
    "if tonumber(ARGV[2]) > 0 then return redis.call('pexpire', KEYS[1], ARGV[2]) end "
    "return redis.call('del', KEYS[1])";

}  // namespace

ProbeStore::ProbeStore(std::shared_ptr<RedisPool> pool, std::chrono::milliseconds hold)
    : pool_(std::move(pool)), hold_(hold), id_(random_id()) {}

ProbePeers::Claim ProbeStore::claim(const std::string& url) {
  Claim claim = Claim::Unavailable;
  pool_->run([&](RedisConn& c) {
    Poco::Redis::Array set;
    set << "SET" << redis_key(url) << id_ << "NX"
        << "PX" << std::to_string(hold_.count());
    c.send(set);
    const auto reply = c.read_reply();
    // +OK: ours; a null bulk string: another instance holds it.
    if (reply->type() == Poco::Redis::RedisTypeTraits<std::string>::TypeId) {
      claim = Claim::Won;
    } else {
      RedisConn::as<Poco::Redis::BulkString>(reply);  // anything else (an error) throws
      claim = Claim::Lost;
    }
  });
  return claim;
}

void ProbeStore::release(const std::string& url, std::chrono::milliseconds keep) {
  pool_->run([&](RedisConn& c) {
    Poco::Redis::Array eval;
    eval << "EVAL" << kRelease << "1" << redis_key(url) << id_ << std::to_string(keep.count());
    c.execute<Poco::Int64>(eval);
  });
}

}  // namespace aicore::host::shared

// One connection to Redis, plain TCP or TLS (rediss://). The protocol is Poco's: its RESP types
// (Poco::Redis::Array, RedisType) and streams read and write every command and reply. Poco's own
// Client is not used because it hides its socket: it can speak neither TLS nor say whether a
// reply is already buffered (what the invalidation reader needs, AffinityCache.hpp).
// THREADS: one thread at a time, except shutdown(), which any thread may call to end a read.
#pragma once

#include <Poco/Net/StreamSocket.h>
#include <Poco/Redis/Array.h>
#include <Poco/Redis/Error.h>
#include <Poco/Redis/Exception.h>
#include <Poco/Redis/RedisStream.h>
#include <Poco/Redis/Type.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "shared/RedisUrl.hpp"

namespace aicore::host::shared {

class RedisConn {
 public:
  // Connects (TLS with the URL's scheme, the certificate checked against the host name), sends
  // AUTH and SELECT as the URL says; `timeout` bounds the connect and every read and write.
  // Throws Poco::Exception when Redis is unreachable, refuses, or its certificate does not hold.
  RedisConn(const RedisUrl& url, std::chrono::milliseconds timeout);
  RedisConn(const RedisConn&) = delete;
  RedisConn& operator=(const RedisConn&) = delete;

  // Sends one command and reads its reply as T (std::string for +OK, Int64, BulkString, Array).
  // Throws Poco::Redis::RedisException for an -ERR reply, Poco::BadCastException for another type.
  template <class T>
  T execute(const Poco::Redis::Array& command) {
    send(command);
    return as<T>(read_reply());
  }
  // Sends every command in one write and reads their replies (errors included, not thrown), as
  // Poco's Client does.
  Poco::Redis::Array sendCommands(const std::vector<Poco::Redis::Array>& commands);

  void send(const Poco::Redis::Array& command);
  Poco::Redis::RedisType::Ptr read_reply();
  // Whether bytes of a reply already wait in the read buffer (a poll on the socket would miss them).
  bool buffered();
  Poco::Net::StreamSocket& socket() { return *socket_; }
  // Free for the owner to mark what it set up on this connection (AffinityStore: the reader
  // epoch its tracking is redirected to).
  uint64_t tag = 0;
  // Ends the connection from any thread: a blocked read returns with an error.
  void shutdown();

  // Reply `i` of sendCommands(), whatever its type.
  static Poco::Redis::RedisType::Ptr at(const Poco::Redis::Array& replies, size_t i) {
    if (replies.isNull() || i >= replies.size()) throw Poco::Redis::RedisException("a reply is missing");
    return *(replies.begin() + static_cast<std::ptrdiff_t>(i));
  }
  template <class T>
  static T as(const Poco::Redis::RedisType::Ptr& reply) {
    using Poco::Redis::RedisTypeTraits;
    if (reply->type() == RedisTypeTraits<Poco::Redis::Error>::TypeId)
      throw Poco::Redis::RedisException(
          static_cast<const Poco::Redis::Type<Poco::Redis::Error>*>(reply.get())->value().getMessage());
    if (reply->type() != RedisTypeTraits<T>::TypeId) throw Poco::BadCastException("unexpected Redis reply type");
    return static_cast<const Poco::Redis::Type<T>*>(reply.get())->value();
  }

 private:
  void write_(const std::string& text);  // and flush

  std::unique_ptr<Poco::Net::StreamSocket> socket_;
  std::unique_ptr<Poco::Redis::RedisInputStream> in_;
  std::unique_ptr<Poco::Redis::RedisOutputStream> out_;
};

// open_redis() for the callers that hold connections by pointer.
std::unique_ptr<RedisConn> open_redis(const RedisUrl& url, std::chrono::milliseconds timeout);

}  // namespace aicore::host::shared

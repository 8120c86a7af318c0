#include "shared/RedisConn.hpp"

#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <map>
#include <mutex>

#include "tls/TlsPolicy.hpp"

namespace aicore::host::shared {
namespace {

Poco::Timespan span(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

// One client context per CA file, made on first use: loading the system store costs
// milliseconds, and connections are opened again after every outage.
Poco::Net::Context::Ptr tls_context(const std::string& ca_file) {
  static std::mutex mu;
  static std::map<std::string, Poco::Net::Context::Ptr> made;
  std::lock_guard lock(mu);
  auto& ctx = made[ca_file];
  if (!ctx) {
    UpstreamSettings s;  // the same defaults as towards SAP: TLS 1.2+, ECDHE + AEAD, names verified
    s.ca_file = ca_file;
    s.verify_tls = true;
    ctx = make_upstream_context(s);
  }
  return ctx;
}

std::unique_ptr<Poco::Net::StreamSocket> connect(const RedisUrl& url, std::chrono::milliseconds timeout) {
  const Poco::Net::SocketAddress addr(url.host, static_cast<Poco::UInt16>(url.port));
  std::unique_ptr<Poco::Net::StreamSocket> s;
  if (url.tls) {
    auto secure = std::make_unique<Poco::Net::SecureStreamSocket>(tls_context(url.ca_file));
    secure->setPeerHostName(url.host);  // SNI, and the name the certificate must carry
    secure->connect(addr, span(timeout));
    s = std::move(secure);
  } else {
    s = std::make_unique<Poco::Net::StreamSocket>();
    s->connect(addr, span(timeout));
  }
  s->setNoDelay(true);
  s->setReceiveTimeout(span(timeout));
  s->setSendTimeout(span(timeout));
  return s;
}

}  // namespace

RedisConn::RedisConn(const RedisUrl& url, std::chrono::milliseconds timeout)
    : socket_(connect(url, timeout)),
      in_(std::make_unique<Poco::Redis::RedisInputStream>(*socket_)),
      out_(std::make_unique<Poco::Redis::RedisOutputStream>(*socket_)) {
  // A failed read or write throws what the socket threw (a timeout, a reset), instead of the
  // stream quietly going bad and the reply looking like garbage.
  in_->exceptions(std::ios::badbit);
  out_->exceptions(std::ios::badbit);
  if (!url.password.empty()) {
    Poco::Redis::Array auth;
    auth << "AUTH";
    if (!url.user.empty()) auth << url.user;
    auth << url.password;
    execute<std::string>(auth);
  }
  if (url.db != 0) {
    Poco::Redis::Array select;
    select << "SELECT" << std::to_string(url.db);
    execute<std::string>(select);
  }
}

void RedisConn::write_(const std::string& text) {
  out_->write(text.data(), static_cast<std::streamsize>(text.size()));
  out_->flush();
  if (!*out_) throw Poco::IOException("Redis: the command could not be sent");
}

void RedisConn::send(const Poco::Redis::Array& command) { write_(command.toString()); }

Poco::Redis::RedisType::Ptr RedisConn::read_reply() {
  const int marker = in_->get();
  if (marker == std::char_traits<char>::eof()) throw Poco::IOException("Redis closed the connection");
  Poco::Redis::RedisType::Ptr reply = Poco::Redis::RedisType::createRedisType(static_cast<char>(marker));
  if (reply.isNull()) throw Poco::Redis::RedisException("not a Redis reply");
  reply->read(*in_);
  if (!*in_) throw Poco::IOException("Redis: the reply was cut short");
  return reply;
}

Poco::Redis::Array RedisConn::sendCommands(const std::vector<Poco::Redis::Array>& commands) {
  std::string text;
  for (const auto& c : commands) text += c.toString();
  write_(text);  // one write: pipelined
  Poco::Redis::Array replies;
  for (size_t i = 0; i < commands.size(); ++i) replies.addRedisType(read_reply());
  return replies;
}

// The stream's buffer, then the socket's: TLS keeps decrypted bytes that poll() cannot see.
bool RedisConn::buffered() { return in_->rdbuf()->in_avail() > 0 || socket_->available() > 0; }

void RedisConn::shutdown() {
  try {
    socket_->shutdown();
  } catch (const Poco::Exception&) {  // already closed: nothing to end
  }
}

std::unique_ptr<RedisConn> open_redis(const RedisUrl& url, std::chrono::milliseconds timeout) {
  return std::make_unique<RedisConn>(url, timeout);
}

}  // namespace aicore::host::shared

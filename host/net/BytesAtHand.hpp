// How many bytes of a request can be read without waiting: what Poco's session has buffered plus
// what the connection's socket still replays. When a whole body is at hand, reading it needs no
// socket timeouts (read_body then skips its minimum-rate bookkeeping and its syscalls).
#pragma once

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPSession.h>

#include <cstdint>

namespace aicore::host::net {

int64_t bytes_at_hand(Poco::Net::HTTPServerRequestImpl& req);

// What Poco's session has read ahead and not yet handed out (HTTPSession::buffered(), protected).
int session_buffered(const Poco::Net::HTTPSession& session);

}  // namespace aicore::host::net

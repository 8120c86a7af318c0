// RFC 9112 framing checks on parsed heads (net/Framing): what Poco 1.11 lets through.
#include <gtest/gtest.h>

#include <Poco/Net/HTTPRequest.h>

#include <sstream>

#include "net/Framing.hpp"

using aicore::host::net::declared_body_length;
using aicore::host::net::framing_problem;

namespace {

Poco::Net::HTTPRequest parse(const std::string& fields) {
  std::istringstream in("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n");
  Poco::Net::HTTPRequest req;
  req.read(in);
  return req;
}

int status_of(const std::string& fields) {
  auto p = framing_problem(parse(fields));
  return p ? p->status : 0;
}

}  // namespace

TEST(Framing, ContentLength) {
  EXPECT_EQ(status_of("Content-Length: 5\r\n"), 0);
  EXPECT_EQ(status_of("Content-Length: 5\r\nContent-Length: 5\r\n"), 0);
  EXPECT_EQ(status_of("Content-Length: 5, 5\r\n"), 0);
  for (const char* bad : {"-5", "+5", "5x", "", "0x10", "1234567890123456789"})
    EXPECT_EQ(status_of(std::string("Content-Length: ") + bad + "\r\n"), 400) << bad;
  EXPECT_EQ(status_of("Content-Length: 5\r\nContent-Length: 6\r\n"), 400);
  EXPECT_EQ(status_of("Content-Length: 5, 6\r\n"), 400);
  auto p = framing_problem(parse("Content-Length: 5\r\nContent-Length: 6\r\n"));
  EXPECT_EQ(p->message, "conflicting Content-Length values");
}

TEST(Framing, TransferEncoding) {
  EXPECT_EQ(status_of("Transfer-Encoding: chunked\r\n"), 0);
  EXPECT_EQ(status_of("Transfer-Encoding: Chunked\r\n"), 0);
  EXPECT_EQ(status_of("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"), 400);
  EXPECT_EQ(status_of("Transfer-Encoding: gzip, chunked\r\n"), 501);
  EXPECT_EQ(status_of("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"), 501);
  EXPECT_EQ(status_of("Transfer-Encoding: chunked, gzip\r\n"), 400);
  EXPECT_EQ(status_of("Transfer-Encoding: identity\r\n"), 400);
  EXPECT_EQ(status_of("Transfer-Encoding: chunked, chunked\r\n"), 400);
}

TEST(Framing, WhitespaceBeforeTheColon) {
  EXPECT_EQ(status_of("Content-Length : 5\r\n"), 400);
  EXPECT_EQ(status_of("Transfer-Encoding\t: chunked\r\n"), 400);
}

TEST(Framing, DeclaredLength) {
  EXPECT_EQ(declared_body_length(parse("Content-Length: 12\r\n")), 12);
  EXPECT_EQ(declared_body_length(parse("")), 0) << "no framing: no body (Poco would read to the close)";
  EXPECT_EQ(declared_body_length(parse("Transfer-Encoding: chunked\r\n")), -1);
}

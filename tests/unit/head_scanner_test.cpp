// The connection layer's head detector: where a request head ends however its bytes are split.
#include <gtest/gtest.h>

#include <string>

#include "net/HeadScanner.hpp"

using aicore::host::net::HeadScanner;

namespace {

// Feeds `bytes` one more byte at a time, as a dripping client would.
HeadScanner::State drip(const std::string& bytes, HeadScanner& s) {
  HeadScanner::State st = HeadScanner::State::Incomplete;
  for (size_t n = 1; n <= bytes.size() && st == HeadScanner::State::Incomplete; ++n)
    st = s.scan(std::string_view(bytes).substr(0, n));
  return st;
}

}  // namespace

TEST(HeadScanner, FindsTheEndWithCrlfOrBareLf) {
  const std::string head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  HeadScanner s;
  EXPECT_EQ(s.scan(head + "body"), HeadScanner::State::Complete);
  EXPECT_EQ(s.head_size(), head.size());
  HeadScanner lf;
  EXPECT_EQ(lf.scan("GET / HTTP/1.1\nHost: x\n\nrest"), HeadScanner::State::Complete);
  EXPECT_EQ(lf.head_size(), 24u);
}

TEST(HeadScanner, ByteByByteIsTheSame) {
  const std::string head = "\r\n\r\nPOST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n";
  HeadScanner s;
  EXPECT_EQ(drip(head + "{}", s), HeadScanner::State::Complete);
  EXPECT_EQ(s.head_size(), head.size());
  EXPECT_EQ(s.leading(), 4u) << "empty lines before the request line are skipped, not taken for the end";
}

TEST(HeadScanner, IncompleteUntilTheEmptyLine) {
  HeadScanner s;
  EXPECT_EQ(s.scan("GET / HTTP/1.1\r\nHost: x\r\n"), HeadScanner::State::Incomplete);
  EXPECT_EQ(s.scan("GET / HTTP/1.1\r\nHost: x\r\n\r"), HeadScanner::State::Incomplete);
  EXPECT_EQ(s.scan("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), HeadScanner::State::Complete);
  HeadScanner cr;  // a CR inside a line is not an empty line
  EXPECT_EQ(cr.scan("GET / HTTP/1.1\r\nX: a\rb\r\n"), HeadScanner::State::Incomplete);
}

TEST(HeadScanner, RefusesObsoleteLineFolding) {
  HeadScanner s;
  EXPECT_EQ(s.scan("GET / HTTP/1.1\r\nX-A: 1\r\n  folded\r\n\r\n"), HeadScanner::State::ObsFold);
  HeadScanner t;
  EXPECT_EQ(t.scan("GET / HTTP/1.1\r\n\tTransfer-Encoding: chunked\r\n\r\n"), HeadScanner::State::ObsFold);
}

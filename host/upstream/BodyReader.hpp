// Reads an upstream answer's body piece by piece and knows whether it ended where its framing
// said: every Content-Length byte, or a chunked body's last (zero-length) chunk. Poco 1.11's body
// streams end quietly when the connection closes early, so a truncated answer (or a stream cut
// between two events, which looks complete to a converter whose upstream has no end marker) would
// pass for a complete one; here it is an UpstreamIoError, which the attempt loop fails over on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>

#include <Poco/Net/HTTPResponse.h>

#include "upstream/UpstreamSession.hpp"

namespace aicore::host {

class BodyReader {
 public:
  // `poco_body`: the stream receiveResponse() returned (unused for a chunked body, which is read
  // through a streambuf that reports its end). `where` words errors ("mid-stream", ...).
  BodyReader(UpstreamSession& s, const Poco::Net::HTTPResponse& resp, std::istream& poco_body, std::string where);
  ~BodyReader();

  // Waits for the next piece (at most one socket read) and copies what is buffered: 0 at the
  // end of the body. Throws UpstreamIoError when the body ends early or the connection fails;
  // timed_out() then says whether a read timeout did it.
  size_t read(char* buf, size_t cap);

  int64_t received() const { return received_; }
  // The declared length, or -1 (chunked, or until the connection closes).
  int64_t declared() const { return declared_; }
  bool timed_out() const { return timed_out_; }

 private:
  class ChunkedBuf;
  [[noreturn]] void fail_(const std::string& why);

  UpstreamSession& s_;
  std::unique_ptr<ChunkedBuf> chunked_;
  std::unique_ptr<std::istream> chunked_in_;
  std::istream* in_;
  std::string where_;
  int64_t declared_ = -1;
  int64_t received_ = 0;
  bool timed_out_ = false;
};

}  // namespace aicore::host

#include "upstream/BodyReader.hpp"

#include <Poco/Net/HTTPChunkedStream.h>
#include <Poco/Net/NetException.h>

#include "upstream/UpstreamErrors.hpp"

namespace aicore::host {

// Poco's chunked decoder, told apart at its end: the last chunk makes readFromDevice() return 0
// without a read of the session meeting end-of-file; a connection closed inside a chunk returns
// 0 after such a read; one closed (or garbage) where a chunk size belongs returns eof (-1).
class BodyReader::ChunkedBuf final : public Poco::Net::HTTPChunkedStreamBuf {
 public:
  explicit ChunkedBuf(UpstreamSession& s) : HTTPChunkedStreamBuf(s.http(), std::ios::in), s_(s) {}
  bool complete() const { return complete_; }

 protected:
  int readFromDevice(char* buffer, std::streamsize length) override {
    const int n = HTTPChunkedStreamBuf::readFromDevice(buffer, length);
    if (n == 0 && !s_.peer_closed()) complete_ = true;
    return n;
  }

 private:
  UpstreamSession& s_;
  bool complete_ = false;
};

BodyReader::BodyReader(UpstreamSession& s, const Poco::Net::HTTPResponse& resp, std::istream& poco_body,
                       std::string where)
    : s_(s), in_(&poco_body), where_(std::move(where)) {
  s_.clear_peer_closed();
  if (resp.getChunkedTransferEncoding()) {
    chunked_ = std::make_unique<ChunkedBuf>(s_);
    chunked_in_ = std::make_unique<std::istream>(chunked_.get());
    in_ = chunked_in_.get();
  } else if (resp.hasContentLength()) {
    declared_ = resp.getContentLength64();
  }
}

BodyReader::~BodyReader() = default;

void BodyReader::fail_(const std::string& why) { throw UpstreamIoError(why); }

size_t BodyReader::read(char* buf, size_t cap) {
  std::istream& in = *in_;
  for (;;) {
    // peek() blocks until the next piece arrives; readsome() then takes what is buffered, so every
    // upstream event is passed on as soon as it is received.
    if (in.peek() == std::char_traits<char>::eof()) {
      if (in.bad()) {
        // A reset or a timeout inside the stream sets badbit (istream swallows the exception); the
        // session keeps it.
        const Poco::Exception* e = s_.http().networkException();
        timed_out_ = e && dynamic_cast<const Poco::TimeoutException*>(e);
        fail_(timed_out_ ? std::string("upstream read timed out")
                         : "upstream connection lost " + where_ + (e ? ": " + e->displayText() : std::string()));
      }
      if (chunked_ && !chunked_->complete())
        fail_("upstream closed the connection " + where_ + " before the end of its chunked body (" +
              std::to_string(received_) + " bytes received)");
      if (declared_ >= 0 && received_ < declared_)
        fail_("upstream closed the connection " + where_ + " after " + std::to_string(received_) + " of " +
              std::to_string(declared_) + " bytes");
      return 0;
    }
    const std::streamsize n = in.readsome(buf, static_cast<std::streamsize>(cap));
    if (n > 0) {
      received_ += n;
      return static_cast<size_t>(n);
    }
  }
}

}  // namespace aicore::host

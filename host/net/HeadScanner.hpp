// Finds where a request head ends in bytes that arrive in pieces, without parsing it: the
// connection layer waits for a whole head off the worker pool and then lets Poco parse it.
#pragma once

#include <cstddef>
#include <string_view>

namespace aicore::host::net {

class HeadScanner {
 public:
  enum class State { Incomplete, Complete, ObsFold };

  // Looks at `bytes` (everything received for this head so far; earlier calls saw a prefix of
  // it). Linear over the whole head: each byte is looked at once however it was split.
  // Complete: head_size() bytes (leading empty lines included) make the head.
  // ObsFold: a header line starts with a space or tab (obsolete line folding, RFC 9112 5.2:
  // a server must refuse it; Poco would silently join the lines).
  State scan(std::string_view bytes);

  size_t head_size() const { return end_; }
  // Bytes before the request line: empty lines a client may send after a previous body.
  size_t leading() const { return leading_; }
  void reset() { *this = HeadScanner{}; }

 private:
  size_t pos_ = 0;      // next byte to look at
  size_t leading_ = 0;  // CR/LF bytes before the request line
  bool started_ = false;
  bool line_start_ = false;  // pos_ is at the start of a line after the request line
  bool blank_cr_ = false;    // the current line so far is a lone CR
  size_t end_ = 0;
};

}  // namespace aicore::host::net

#include "net/HeadScanner.hpp"

namespace aicore::host::net {

HeadScanner::State HeadScanner::scan(std::string_view bytes) {
  for (; pos_ < bytes.size(); ++pos_) {
    const char c = bytes[pos_];
    if (!started_) {
      // RFC 9112 2.2: ignore empty lines before the request line (Poco skips them too).
      if (c == '\r' || c == '\n') {
        ++leading_;
        continue;
      }
      started_ = true;
      continue;
    }
    if (c == '\n') {
      if (line_start_ || blank_cr_) {  // an empty line (LF or CRLF): the end of the head
        end_ = pos_ + 1;
        return State::Complete;
      }
      line_start_ = true;
      continue;
    }
    if (line_start_) {
      if (c == ' ' || c == '\t') return State::ObsFold;
      line_start_ = false;
      blank_cr_ = c == '\r';
      continue;
    }
    blank_cr_ = false;
  }
  return State::Incomplete;
}

}  // namespace aicore::host::net

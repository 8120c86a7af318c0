// A parsed http(s) URL: enough to pick a pooled connection and build the request line.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace aicore::host {

struct Url {
  bool https = false;
  std::string host;
  uint16_t port = 0;
  std::string path;  // path and query, starting with '/'

  // Throws std::invalid_argument for anything but an absolute http(s) URL.
  static Url parse(const std::string& url);
  std::string origin() const;  // scheme://host:port, the connection-pool key
};

}  // namespace aicore::host

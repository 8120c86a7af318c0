#include "pipeline/Exchange.hpp"

#include "log/Log.hpp"
#include "server/HttpUtil.hpp"

namespace aicore::host {

bool Exchange::fail(int status, std::string_view message, std::string_view type, std::string_view code) {
  rec.status = status;
  rec.error = redact(std::string(message.substr(0, 200)));
  send_json(resp, status, error_body(dialect.family, status, message, type, code));
  return false;
}

int status_for(const PluginFailure& f) {
  if (f.http_status >= 400 && f.http_status < 600) return f.http_status;
  switch (f.status) {
    case ACP_ERR_INVALID_REQUEST:
    case ACP_ERR_UNSUPPORTED: return 400;
    case ACP_ERR_UNAUTHORIZED: return 401;
    case ACP_ERR_UPSTREAM: return 502;
    default: return 500;
  }
}

}  // namespace aicore::host

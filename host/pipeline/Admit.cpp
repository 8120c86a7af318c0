#include "pipeline/Admit.hpp"

#include "server/HttpUtil.hpp"

namespace aicore::host {

bool authorize(const Runtime& rt, Family family, Poco::Net::HTTPServerRequest& req,
               Poco::Net::HTTPServerResponse& resp, AccessRecord& rec) {
  if (rt.config.client_keys.empty() || !rt.plugins.client_auth) return true;
  HeaderList all(req, true);
  std::string why;
  if (rt.plugins.client_auth->check(all.headers(), why)) return true;
  rec.status = 401;
  rec.error = "unauthorized";
  if (family == Family::OpenAI) resp.set("WWW-Authenticate", "Bearer");
  send_json(resp, 401, error_body(family, 401, why, {}, family == Family::OpenAI ? "invalid_api_key" : ""));
  return false;
}

bool admit(Exchange& x) {
  if (!authorize(x.rt, x.family(), x.req, x.resp, x.rec)) return false;
  if (x.req.getMethod() != "POST") {
    x.resp.set("Allow", "POST");
    return x.fail(405, "method " + x.req.getMethod() + " not allowed on " + x.rec.path + "; use POST");
  }
  try {
    x.body = read_body(x.req, x.rt.config.server);
  } catch (const BodyTooLarge& e) {
    x.resp.setKeepAlive(false);  // the rest of the body is not read (the connection layer lingers)
    return x.fail(413, e.what(), x.family() == Family::Anthropic ? "request_too_large" : "");
  } catch (const BodyIncomplete& e) {
    x.resp.setKeepAlive(false);  // the connection is out of step with the request
    return x.fail(408, e.what());
  }
  return true;
}

}  // namespace aicore::host

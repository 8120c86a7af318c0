#include "pipeline/Admit.hpp"

#include <algorithm>

#include "server/GeminiPath.hpp"
#include "server/HttpUtil.hpp"
#include "server/RequestCost.hpp"

namespace aicore::host {

bool authorize(const Runtime& rt, Family family, Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp,
               AccessRecord& rec, const ClientKey** client) {
  const auto& keys = rt.config.client_keys;
  if (keys.empty() || !rt.plugins.client_auth) return true;
  std::string why = "invalid API key";
  // Every key disabled: nobody, whatever an older plugin (which is given no keys then) would say.
  const bool any = std::any_of(keys.begin(), keys.end(), [](const ClientKey& k) { return k.enabled; });
  if (any) {
    HeaderList all(req, true);
    // The Gemini API also takes the key as ?key=; the auth plugin reads it as the header.
    if (family == Family::Gemini && !req.has("x-goog-api-key"))
      if (std::string key = query_api_key(req.getURI()); !key.empty()) all.add("x-goog-api-key", std::move(key));
    std::string who;
    if (rt.plugins.client_auth->check(all.headers(), why, &who)) {
      const ClientKey* k = who.empty() ? nullptr : rt.config.client(who);
      if (k && k->enabled) {
        rec.key = who;
        if (client) *client = k;
        return true;
      }
      if (who.empty()) return true;  // a plugin older than ABI 1.3, or a key it does not name
      why = "invalid API key";       // a name the config does not have (enabled): not let in
    }
  }
  rec.status = 401;
  rec.error = "unauthorized";
  if (family == Family::OpenAI) resp.set("WWW-Authenticate", "Bearer");
  send_json(resp, 401, error_body(family, 401, why, {}, family == Family::OpenAI ? "invalid_api_key" : ""));
  return false;
}

namespace {

// 503 + Retry-After: the memory budget cannot take this request now.
bool refuse_memory(Exchange& x, bool body_unread) {
  x.resp.set("Retry-After", "1");
  if (body_unread) x.resp.setKeepAlive(false);  // its body is not read (the connection layer lingers)
  return x.fail(503,
                "the proxy is at its memory budget for requests in flight (server.max_inflight_body_bytes); "
                "retry shortly");
}

// Decided before the body is read: reading holds the declared length (a chunked body: up to
// max_body_bytes), and a request the budget cannot take now gets 503 at once.
bool reserve_for_reading(Exchange& x) {
  const auto& s = x.rt.config.server;
  const std::streamsize declared = x.req.getChunkedTransferEncoding() ? -1
                                   : x.req.hasContentLength()         ? x.req.getContentLength()
                                                                      : 0;  // no body (RFC 9112)
  if (declared > s.max_body_bytes) return true;                     // read_body answers 413
  const int64_t reading = declared >= 0 ? declared : s.max_body_bytes;
  return x.memory.reserve(reading, s.max_inflight_body_bytes) || refuse_memory(x, declared != 0);
}

// Then what converting it holds at its peak (the plugin's documents of it), before that memory
// is spent: a body that could never fit is too large, one that does not fit now waits.
bool reserve_for_converting(Exchange& x) {
  const int64_t budget = x.rt.config.server.max_inflight_body_bytes;
  const int64_t cost = conversion_cost(x.body);
  if (cost > budget)
    return x.fail(413,
                  "request body of " + std::to_string(x.body.size()) + " bytes would need about " +
                      std::to_string(cost >> 20) +
                      " MiB of memory to convert, more than server.max_inflight_body_bytes allows",
                  x.family() == Family::Anthropic ? "request_too_large" : "");
  return x.memory.reserve(cost, budget) || refuse_memory(x, false);
}

}  // namespace

bool key_allows(const Exchange& x, const std::string& model) {
  if (!x.client || x.client->allows(model)) return true;
  const auto route = x.rt.router->resolve(model);
  return route && x.client->allows(route->model_key);
}

bool allowed_model(Exchange& x) {
  if (!x.client || x.client->allows(x.model) || x.client->allows(x.route->model_key)) return true;
  return x.fail(403, "the API key '" + x.client->name + "' may not use the model '" + x.model + "'", {},
                "model_not_allowed");
}

bool admit(Exchange& x) {
  if (!authorize(x.rt, x.family(), x.req, x.resp, x.rec, &x.client)) return false;
  if (x.req.getMethod() != "POST") {
    x.resp.set("Allow", "POST");
    return x.fail(405, "method " + x.req.getMethod() + " not allowed on " + x.rec.path + "; use POST");
  }
  if (!reserve_for_reading(x)) return false;
  try {
    x.body = read_body(x.req, x.rt.config.server);
  } catch (const BodyTooLarge& e) {
    x.resp.setKeepAlive(false);  // the rest of the body is not read (the connection layer lingers)
    return x.fail(413, e.what(), x.family() == Family::Anthropic ? "request_too_large" : "");
  } catch (const BodyIncomplete& e) {
    x.resp.setKeepAlive(false);  // the connection is out of step with the request
    return x.fail(408, e.what());
  }
  return reserve_for_converting(x);
}

}  // namespace aicore::host

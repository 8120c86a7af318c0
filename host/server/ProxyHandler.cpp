#include "server/ProxyHandler.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <optional>
#include <thread>

#include "log/Log.hpp"
#include "retry/AttemptPlan.hpp"
#include "server/BodyScan.hpp"
#include "server/HttpUtil.hpp"
#include "server/LeadingError.hpp"
#include "server/PluginOutput.hpp"
#include "server/RequestCost.hpp"

namespace aicore::host {
namespace {

struct ClientGone {};
// The plugin's first event for the client is a retryable upstream error: nothing was sent yet.
struct LeadingErrorEvent {
  LeadingError error;
};
// The plugin wrote something that is not a complete SSE event.
struct BadPluginEvent {
  std::string why;
};
PluginFailure bad_event_failure(const std::string& plugin, const BadPluginEvent& e) {
  return PluginFailure{ACP_ERR_INTERNAL, 0, "api_error", "plugin " + plugin + " wrote a malformed stream event: " + e.why};
}

// The most useful message in an upstream error body: error.message, message, or the raw text.
std::string upstream_message(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    if (j.contains("error")) {
      const auto& e = j["error"];
      if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"].get<std::string>();
      if (e.is_string()) {
        std::string m = e.get<std::string>();
        if (j.contains("error_description") && j["error_description"].is_string())
          m += ": " + j["error_description"].get<std::string>();
        return m;
      }
    }
    if (j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
  }
  std::string raw = body.substr(0, 300);
  return raw.empty() ? "no body" : raw;
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

// Retry-After in seconds (the HTTP-date form is rare from SAP and treated as absent).
std::optional<std::chrono::seconds> parse_retry_after(const std::string& v) {
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::chrono::seconds(std::stoll(v));
}

// Sends a complete JSON answer and says whether it left: into a client connection that is
// already closed (the drain's end, a client that went away and reset) the access log must not
// record the 200 nobody received.
bool deliver_json(Poco::Net::HTTPServerResponse& resp, int status, std::string_view body) {
  const auto st = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status);
  resp.setStatusAndReason(st, Poco::Net::HTTPResponse::getReasonForStatus(st));
  resp.setContentType("application/json");
  resp.setContentLength(static_cast<std::streamsize>(body.size()));
  std::ostream& out = resp.send();
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.flush();
  return out.good();
}

// How one upstream attempt ended.
enum class Outcome { Done, Retry, Reauth };

}  // namespace

bool authorize(const Runtime& rt, Family family, Poco::Net::HTTPServerRequest& req,
               Poco::Net::HTTPServerResponse& resp, AccessRecord& rec) {
  if (rt.config.client_keys.empty() || !rt.plugins.client_auth) return true;
  HeaderList all(req, true);
  std::string why;
  if (rt.plugins.client_auth->check(all.headers(), why)) return true;
  rec.status = 401;
  rec.error = "unauthorized";
  discard_body(req, resp);
  if (family == Family::OpenAI) resp.set("WWW-Authenticate", "Bearer");
  send_json(resp, 401, error_body(family, 401, why, {}, family == Family::OpenAI ? "invalid_api_key" : ""));
  return false;
}

void ProxyHandler::fail_(Poco::Net::HTTPServerResponse& resp, AccessRecord& rec, int status, const std::string& message,
                         std::string_view type, std::string_view code) {
  rec.status = status;
  rec.error = redact(message.substr(0, 200));
  send_json(resp, status, error_body(dialect_.family, status, message, type, code));
}

void ProxyHandler::refuse_memory_(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp,
                                  AccessRecord& rec, bool body_unread) {
  resp.set("Retry-After", "1");
  if (body_unread) resp.setKeepAlive(false);  // its body is not read
  fail_(resp, rec, 503,
        "the proxy is at its memory budget for requests in flight (server.max_inflight_body_bytes); retry shortly");
  // Let the client finish sending, so that it reads the answer instead of a reset connection.
  if (body_unread) linger_discard(req, rt_->config.server.max_body_bytes, 10000);
}

void ProxyHandler::handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
  AccessRecord rec;
  rec.id = new_request_id();
  rec.method = req.getMethod();
  rec.path = req.getURI().substr(0, req.getURI().find('?'));
  rec.dialect = dialect_.name;
  resp.set("x-request-id", rec.id);
  try {
    serve_(req, resp, rec);
  } catch (const ClientGone&) {
    rec.status = 499;  // nginx's "client closed request"
    rec.error = "client disconnected";
  } catch (const UpstreamAborted& e) {
    // The drain deadline ended the request before its answer started: the client gets what a
    // request arriving during the drain gets, and the access log says so.
    if (!resp.sent()) {
      resp.set("Retry-After", "1");
      resp.setKeepAlive(false);
      fail_(resp, rec, 503, "the proxy is shutting down; retry");
    } else {
      rec.error = e.what();
    }
  } catch (const std::exception& e) {
    spdlog::error("request {}: {}", rec.id, redact(e.what()));
    if (!resp.sent()) {
      fail_(resp, rec, 500, "internal error (request " + rec.id + ")");
    } else {
      rec.error = redact(e.what());
    }
  }
  if (rt_->config.log.access_log) rec.write();
}

void ProxyHandler::serve_(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, AccessRecord& rec) {
  const Runtime& rt = *rt_;
  if (!authorize(rt, dialect_.family, req, resp, rec)) return;
  if (req.getMethod() != "POST") {
    resp.set("Allow", "POST");
    discard_body(req, resp);
    return fail_(resp, rec, 405, "method " + req.getMethod() + " not allowed on " + rec.path + "; use POST");
  }

  // The memory budget, decided before the body is read: reading holds the declared length (a
  // chunked body: up to max_body_bytes), and a request it cannot take now gets 503 at once.
  MemoryBudget::Lease lease(budget_);
  const int64_t budget = rt.config.server.max_inflight_body_bytes;
  {
    const std::streamsize declared = req.getChunkedTransferEncoding() ? -1
                                     : req.hasContentLength()          ? req.getContentLength()
                                                                       : 0;  // no body (RFC 9112)
    if (declared <= rt.config.server.max_body_bytes) {  // larger: read_body answers 413
      const int64_t reading = declared >= 0 ? declared : rt.config.server.max_body_bytes;
      if (!lease.reserve(reading, budget)) return refuse_memory_(req, resp, rec, declared != 0);
    }
  }

  std::string body;
  try {
    body = read_body(req, rt.config.server.max_body_bytes);
  } catch (const BodyTooLarge& e) {
    resp.setKeepAlive(false);  // the rest of the body is not read
    fail_(resp, rec, 413, e.what(), dialect_.family == Family::Anthropic ? "request_too_large" : "");
    linger_discard(req, 16 << 20, 2000);
    return;
  } catch (const BodyIncomplete& e) {
    resp.setKeepAlive(false);  // the connection is out of step with the request
    return fail_(resp, rec, 408, e.what());
  }

  // Then what converting it holds at its peak (the plugin's documents of it), before that memory
  // is spent: a body that could never fit is too large, one that does not fit now waits.
  {
    const int64_t cost = conversion_cost(body);
    if (cost > budget)
      return fail_(resp, rec, 413,
                   "request body of " + std::to_string(body.size()) + " bytes would need about " + std::to_string(cost >> 20) +
                       " MiB of memory to convert, more than server.max_inflight_body_bytes allows",
                   dialect_.family == Family::Anthropic ? "request_too_large" : "");
    if (!lease.reserve(cost, budget)) return refuse_memory_(req, resp, rec, false);
  }

  // The host reads only what it routes on: model and stream. The plugin validates the rest.
  // A scan without a DOM decides for nearly every body; when it is unsure, nlohmann decides.
  std::string model;
  bool stream = false;
  RoutingFields rf;
  if (scan_routing_fields(body, rf)) {
    if (rf.model != RoutingFields::Kind::String || rf.model_text.empty())
      return fail_(resp, rec, 400, "model: required, must be a non-empty string", {}, "");
    model.assign(rf.model_text);
    rec.model = model;
    if (rf.stream != RoutingFields::Kind::Absent && rf.stream != RoutingFields::Kind::Null) {
      if (rf.stream != RoutingFields::Kind::Bool) return fail_(resp, rec, 400, "stream: must be a boolean");
      stream = rf.stream_value;
    }
  } else {
    nlohmann::json parsed;
    try {
      parsed = nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception& e) {
      // parse_error, and out_of_range for numbers beyond a double (1e999)
      return fail_(resp, rec, 400, std::string("request body is not valid JSON: ") + e.what());
    }
    if (!parsed.is_object()) return fail_(resp, rec, 400, "request body must be a JSON object");
    auto m = parsed.find("model");
    if (m == parsed.end() || !m->is_string() || m->get_ref<const std::string&>().empty())
      return fail_(resp, rec, 400, "model: required, must be a non-empty string", {}, "");
    model = m->get<std::string>();
    rec.model = model;
    if (auto s = parsed.find("stream"); s != parsed.end() && !s->is_null()) {
      if (!s->is_boolean()) return fail_(resp, rec, 400, "stream: must be a boolean");
      stream = s->get<bool>();
    }
  }
  if (stream && !dialect_.can_stream) return fail_(resp, rec, 400, "stream: not supported on " + rec.path);
  rec.stream = stream;

  auto route = rt.router->resolve(model);
  if (!route)
    return fail_(resp, rec, 404, "The model '" + model + "' does not exist or is not deployed on this proxy",
                 dialect_.family == Family::Anthropic ? "not_found_error" : "invalid_request_error", "model_not_found");
  rec.plugin = route->provider->name();

  HeaderList headers(req, false);
  ProviderCall call{dialect_.name, model, route->model_key, body, &headers.headers(), stream};
  UpstreamRequest ureq;
  PluginFailure pf;
  if (!route->provider->convert_request(call, ureq, pf)) {
    if (pf.status == ACP_ERR_INTERNAL) spdlog::error("request {}: plugin {}: {}", rec.id, rec.plugin, redact(pf.message));
    return fail_(resp, rec, status_for(pf), pf.message, pf.type);
  }
  if (ureq.local_status > 0) {  // answered by the plugin itself, e.g. count_tokens
    if (auto bad = json_body_problem(ureq.local_body)) {
      spdlog::error("request {}: plugin {} answered with a body that is {}", rec.id, rec.plugin, *bad);
      return fail_(resp, rec, 502, "plugin " + rec.plugin + " produced an invalid answer: " + *bad);
    }
    rec.status = ureq.local_status;
    rec.mark_first_byte();
    send_json(resp, ureq.local_status, ureq.local_body);
    return;
  }
  spdlog::debug("request {} upstream body: {}", rec.id, redact(ureq.body));
  // Converted: the client's body and the plugin's documents are gone; the upstream body stays.
  std::string().swap(body);
  lease.set(static_cast<int64_t>(ureq.body.size()));

  auto targets = rt.balancer.candidates(route->model_key);
  if (targets.empty()) return fail_(resp, rec, 404, "The model '" + model + "' has no deployment");
  AttemptPlan plan(std::move(targets), *rt_->cooldowns, rt.config.retry);
  // Back-off waits end early when the drain deadline aborts the calls in flight.
  plan.sleep = [](AttemptPlan::Clock::duration d) {
    if (!InFlightCalls::process().sleep_for(d)) throw UpstreamAborted();
  };
  // retry.deadline_s bounds every attempt's waits too, until the answer starts reaching the client.
  CallDeadline deadline{plan.deadline(), true, rt.config.retry.deadline_s};
  // One call for every attempt: its body (up to max_body_bytes and more) is not copied per attempt.
  UpstreamCall uc;
  uc.deadline = &deadline;
  uc.method = ureq.method;
  uc.body = std::move(ureq.body);

  ResponseView rv{dialect_.name, route->model_key, ureq.context, 0, {}, {}};
  int last_status = 0;
  std::string last_message = "no deployment could be tried";
  std::string retry_after;
  bool reauthed = false;
  bool started = false;  // whether anything reached the client (then failover is no longer possible)
  std::ostream* out = nullptr;

  std::optional<Target> t = plan.next();
  while (t) {
    if (InFlightCalls::process().aborted()) {  // the drain deadline passed (a token fetch swallows it)
      rt_->cooldowns->release(t->url);
      throw UpstreamAborted();
    }
    const SubAccount& sub = rt.subaccount(t->subaccount);
    rec.attempts = plan.attempts() + (reauthed ? 1 : 0);
    rec.subaccount = sub.name;
    rec.deployment = deployment_id(t->url);

    Outcome outcome = Outcome::Done;
    std::string token;
    try {
      token = rt_->tokens->get(sub.name);
    } catch (const TokenError& e) {
      // The token endpoint is the subaccount's, not the deployment's: fail over, cool nothing.
      last_status = 502;
      last_message = e.what();
      spdlog::warn("request {}: {}", rec.id, redact(e.what()));
      rt_->cooldowns->release(t->url);
      t = plan.next();
      continue;
    }

    uc.url = t->url + ureq.target;
    uc.headers = {{"Authorization", "Bearer " + token}, {"AI-Resource-Group", sub.resource_group}};
    for (const auto& h : ureq.headers) uc.headers.push_back(h);

    auto handle_error = [&](const UpstreamResponse& r) {
      rv.status = r.status;
      rv.content_type = r.content_type;
      rv.body = r.body;
      std::string msg;
      acp_error_class cls = route->provider->classify_error(rv, msg);
      last_status = r.status;
      last_message = msg.empty() ? upstream_message(r.body) : msg;
      retry_after = r.retry_after;
      spdlog::warn("request {}: {} deployment {} answered {}: {}", rec.id, sub.name, rec.deployment, r.status,
                   redact(last_message.substr(0, 300)));
      if (cls == ACP_UPSTREAM_REAUTH && !reauthed) {
        rt_->tokens->invalidate(sub.name, token);
        reauthed = true;
        outcome = Outcome::Reauth;
      } else if (cls == ACP_UPSTREAM_RETRY || cls == ACP_UPSTREAM_REAUTH) {
        if (r.status == 429)
          rt_->cooldowns->rate_limited(t->url, parse_retry_after(r.retry_after));
        else
          rt_->cooldowns->failed(t->url);
        outcome = Outcome::Retry;
      } else {
        rt_->cooldowns->succeeded(t->url);  // it answered: the deployment is fine, the request is not
        outcome = Outcome::Done;
        int status = r.status >= 400 && r.status < 600 ? r.status : 502;
        fail_(resp, rec, status, last_message);
      }
    };

    try {
      if (!stream) {
        UpstreamResponse r = rt_->upstream->send(uc);
        // The answer and its conversion are held now, counted whatever the budget says.
        lease.set(static_cast<int64_t>(uc.body.size()) + conversion_cost(r.body));
        if (r.status >= 200 && r.status < 300) {
          rt_->cooldowns->succeeded(t->url);
          rv.status = r.status;
          rv.content_type = r.content_type;
          rv.body = r.body;
          std::string client_body;
          if (!route->provider->convert_response(rv, client_body, pf)) {
            spdlog::error("request {}: plugin {} could not convert the response: {}", rec.id, rec.plugin, redact(pf.message));
            // The plugin's own status counts: a prompt the model refused is the client's 400, not a 502.
            return fail_(resp, rec, status_for(pf), pf.message, pf.type);
          }
          if (auto bad = json_body_problem(client_body)) {
            spdlog::error("request {}: plugin {} converted the response into a body that is {}", rec.id, rec.plugin, *bad);
            return fail_(resp, rec, 502, "plugin " + rec.plugin + " produced an invalid response: " + *bad);
          }
          rec.scan_usage(client_body);
          rec.status = 200;
          rec.mark_first_byte();
          if (!deliver_json(resp, 200, client_body)) throw ClientGone{};
          return;
        }
        handle_error(r);
      } else {
        std::unique_ptr<ProviderStream> conv;
        std::optional<PluginFailure> stream_fail;
        bool client_gone = false;
        std::optional<LeadingError> leading_error;
        bool ended = false;  // the client got the stream's end event
        auto emit = [&](std::string_view ev) {
          if (auto bad = sse_events_problem(ev)) throw BadPluginEvent{std::move(*bad)};
          if (!started) {
            if (auto le = leading_retryable_error(dialect_.family, ev)) throw LeadingErrorEvent{std::move(*le)};
            resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
            resp.setChunkedTransferEncoding(true);
            resp.setContentType("text/event-stream");
            resp.set("Cache-Control", "no-cache");
            resp.set("X-Accel-Buffering", "no");
            out = &resp.send();
            started = true;
            deadline.active = false;  // from here on only the read timeout bounds the stream
            rec.status = 200;
            rec.mark_first_byte();
          }
          out->write(ev.data(), static_cast<std::streamsize>(ev.size()));
          out->flush();
          ended = ends_stream(dialect_.family, ev);
          if (!out->good()) throw ClientGone{};
          rec.scan_usage(ev);
        };
        auto on_start = [&](const UpstreamResponse& r) {
          ResponseView sv{dialect_.name, route->model_key, ureq.context, r.status, r.content_type, {}};
          PluginFailure f;
          conv = route->provider->open_stream(sv, f);
          if (!conv) stream_fail = f;
        };
        auto on_bytes = [&](std::string_view bytes) -> bool {
          if (!conv) return false;
          PluginFailure f;
          try {
            if (!conv->feed(bytes, emit, f)) {
              stream_fail = f;
              return false;
            }
          } catch (const ClientGone&) {
            client_gone = true;
            return false;
          } catch (LeadingErrorEvent& e) {
            leading_error = std::move(e.error);
            return false;
          } catch (const BadPluginEvent& e) {
            stream_fail = bad_event_failure(rec.plugin, e);
            return false;
          }
          return true;
        };
        UpstreamResponse r;
        try {
          r = rt_->upstream->stream(uc, on_start, on_bytes);
        } catch (const UpstreamIoError& e) {
          if (!started) throw;
          if (ended) {
            // The client already has the whole stream; the connection broke only afterwards
            // (before the upstream's last chunk): nothing is lost, nothing more may be sent.
            rt_->cooldowns->succeeded(t->url);
            return;
          }
          // The connection broke after events reached the client: end the stream with an error.
          // (Cut by the drain deadline: the deployment did nothing wrong.)
          if (dynamic_cast<const UpstreamAborted*>(&e)) rt_->cooldowns->release(t->url);
          else rt_->cooldowns->failed(t->url);
          rec.error = redact(e.what());
          if (!client_gone) {
            try {
              emit(stream_error_event(dialect_.family, 502, std::string("upstream stream interrupted: ") + e.what()));
            } catch (const ClientGone&) {
            }
          }
          return;
        }
        if (client_gone) {
          rt_->cooldowns->release(t->url);
          throw ClientGone{};
        }
        auto fail_over_leading_error = [&] {
          // As if the upstream had answered with that status: cool the deployment, try the next.
          last_status = leading_error->status;
          last_message = leading_error->message;
          spdlog::warn("request {}: {} deployment {} streamed an error first: {}", rec.id, sub.name, rec.deployment,
                       redact(last_message.substr(0, 300)));
          if (last_status == 429)
            rt_->cooldowns->rate_limited(t->url, std::nullopt);
          else
            rt_->cooldowns->failed(t->url);
          outcome = Outcome::Retry;
        };
        if (r.status < 200 || r.status >= 300) {
          handle_error(r);
        } else {
          if (conv && !stream_fail) {
            PluginFailure f;
            try {
              if (!leading_error && !conv->finish(emit, f)) stream_fail = f;
            } catch (LeadingErrorEvent& e) {
              leading_error = std::move(e.error);
            } catch (const BadPluginEvent& e) {
              stream_fail = bad_event_failure(rec.plugin, e);
            } catch (const ClientGone&) {
              // Gone while the last events were written: free the deployment (a half-open probe
              // must not stay taken) before the handler's ClientGone path logs the 499.
              rt_->cooldowns->release(t->url);
              throw;
            }
          }
          if (leading_error) {
            fail_over_leading_error();
          } else {
            if (conv) {
              int64_t p = -1, c = -1;
              conv->usage(p, c);
              rec.prompt_tokens = std::max(rec.prompt_tokens, p);
              rec.completion_tokens = std::max(rec.completion_tokens, c);
            }
            if (!stream_fail) {
              rt_->cooldowns->succeeded(t->url);
              return;
            }
            last_status = status_for(*stream_fail);
            last_message = stream_fail->message;
            if (stream_fail->status == ACP_ERR_INTERNAL)
              spdlog::error("request {}: plugin {} stream: {}", rec.id, rec.plugin, redact(last_message));
            if (stream_fail->status == ACP_ERR_UPSTREAM) rt_->cooldowns->failed(t->url);
            else rt_->cooldowns->release(t->url);
            if (started) {
              rec.error = redact(last_message.substr(0, 200));
              try {
                if (!ended) emit(stream_error_event(dialect_.family, last_status, last_message));
              } catch (const ClientGone&) {
              }
              return;
            }
            // Nothing reached the client yet: an upstream failure can still fail over.
            if (stream_fail->status == ACP_ERR_UPSTREAM) {
              spdlog::warn("request {}: {} deployment {}: {}", rec.id, sub.name, rec.deployment, redact(last_message));
              outcome = Outcome::Retry;
            } else {
              return fail_(resp, rec, last_status, last_message, stream_fail->type);
            }
          }
        }
      }
    } catch (const UpstreamAborted&) {
      rt_->cooldowns->release(t->url);  // the proxy is stopping: no verdict on the deployment
      throw;
    } catch (const UpstreamIoError& e) {
      last_status = 502;
      last_message = e.what();
      spdlog::warn("request {}: {} deployment {}: {}", rec.id, sub.name, rec.deployment, redact(e.what()));
      rt_->cooldowns->failed(t->url);
      outcome = Outcome::Retry;
    }
    if (outcome == Outcome::Done) return;
    if (outcome == Outcome::Retry) t = plan.next();
    // Reauth: the same target again, with a fresh token.
  }

  // Every attempt failed with something retryable, or everything is cooling down.
  rec.attempts = std::max(rec.attempts, plan.attempts());
  if (InFlightCalls::process().aborted()) throw UpstreamAborted();  // failed because the drain ended them
  if (plan.gave_up_cooling()) {
    resp.set("Retry-After", std::to_string(plan.retry_after().count()));
    const bool limited = last_status == 429 || last_status == 0;
    return fail_(resp, rec, limited ? 429 : 503,
                 std::string(limited ? "rate limited: " : "temporarily unavailable: ") +
                     "every deployment of '" + model + "' is cooling down" +
                     (last_message.empty() || last_status == 0 ? std::string() : " (last error: " + last_message + ")"));
  }
  if (last_status == 429 && !retry_after.empty()) resp.set("Retry-After", retry_after);
  int status = last_status == 429 ? 429 : 502;
  fail_(resp, rec, status, "upstream failed after " + std::to_string(rec.attempts) + " attempt(s): " + last_message);
}

}  // namespace aicore::host

// Relaying a streamed upstream answer: the plugin's converter turns upstream bytes into client
// events, StreamRelay writes them. Before the first byte reached the client every failure can
// still fail over; afterwards the stream is ended with an error event, never silently truncated.
#include <spdlog/spdlog.h>

#include "log/Log.hpp"
#include "metrics/Metrics.hpp"
#include "pipeline/Attempt.hpp"
#include "stream/StreamRelay.hpp"

namespace aicore::host {
namespace {

using Health = Outcome::Health;

// The plugin gave up on the stream (bad upstream bytes, or a bug of its own).
Outcome plugin_failed(Exchange& x, StreamRelay& relay, const PluginFailure& f) {
  const int status = status_for(f);
  if (f.status == ACP_ERR_INTERNAL)
    spdlog::error("request {}: plugin {} stream: {}", x.rec.id, x.rec.plugin, redact(f.message));
  const Health health = f.status == ACP_ERR_UPSTREAM ? Health::Failing : Health::Unknown;
  if (relay.started()) {
    x.rec.error = redact(f.message.substr(0, 200));
    relay.end_with_error(status, f.message);
    return Outcome::finished(health);
  }
  // Nothing reached the client yet: an upstream failure can still fail over.
  if (f.status == ACP_ERR_UPSTREAM) {
    spdlog::warn("request {}: {} deployment {}: {}", x.rec.id, x.rec.subaccount, x.rec.deployment, redact(f.message));
    return Outcome::retry(health, status, f.message);
  }
  x.fail(status, f.message, f.type);
  return Outcome::finished(health);
}

Outcome client_left(Exchange& x) {
  x.rec.status = 499;  // nginx's "client closed request"
  x.rec.error = "client disconnected";
  return Outcome::finished(Health::Unknown);  // says nothing about the deployment (a probe is freed)
}

}  // namespace

Outcome relay_stream(Exchange& x, const UpstreamCall& call) {
  const Provider& provider = *x.route->provider;
  StreamRelay relay(x);
  const metrics::OpenStream open;  // aicore_open_streams, for the whole attempt
  std::unique_ptr<ProviderStream> conv;
  std::optional<PluginFailure> failure;  // the plugin's verdict on the stream

  const auto on_start = [&](const UpstreamResponse& r) {
    ResponseView sv{x.dialect.name, x.route->model_key, x.upstream.context, r.status, r.content_type, {}};
    PluginFailure f;
    conv = provider.open_stream(sv, f);
    if (!conv) failure = std::move(f);
  };
  const auto on_bytes = [&](std::string_view bytes) -> bool {
    if (!conv) return false;
    PluginFailure f;
    if (!conv->feed(bytes, relay, f)) {
      failure = std::move(f);
      return false;
    }
    return relay.accepting();
  };

  UpstreamResponse r;
  try {
    r = x.rt.upstream->stream(call, on_start, on_bytes);
  } catch (const UpstreamIoError& e) {
    if (!relay.started()) throw;  // nothing sent: the attempt fails over
    // The client already has the whole stream when it has its end event; the connection broke
    // only afterwards, so nothing is lost and nothing more may be sent.
    if (relay.ended()) return Outcome::finished(Health::Fine);
    if (relay.client_gone()) return client_left(x);
    x.rec.error = redact(e.what());
    relay.end_with_error(502, std::string("upstream stream interrupted: ") + e.what());
    // Cut by the drain deadline, the deployment did nothing wrong.
    return Outcome::finished(dynamic_cast<const UpstreamAborted*>(&e) ? Health::Unknown : Health::Failing);
  }
  if (relay.client_gone()) return client_left(x);
  if (r.status < 200 || r.status >= 300) return judge_upstream_error(x, r);

  if (conv && !failure && relay.accepting()) {
    PluginFailure f;
    if (!conv->finish(relay, f)) failure = std::move(f);
    if (relay.client_gone()) return client_left(x);
  }
  if (const auto& le = relay.leading_error()) {
    // As if the upstream had answered with that status: cool the deployment, try the next.
    spdlog::warn("request {}: {} deployment {} streamed an error first: {}", x.rec.id, x.rec.subaccount,
                 x.rec.deployment, redact(le->message.substr(0, 300)));
    return Outcome::retry(le->status == 429 ? Health::RateLimited : Health::Failing, le->status, le->message);
  }
  if (relay.bad_output()) failure = relay.bad_output();  // broken framing outranks what the plugin said
  if (failure) return plugin_failed(x, relay, *failure);
  return Outcome::finished(Health::Fine);
}

}  // namespace aicore::host

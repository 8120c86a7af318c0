#include "runtime/Server.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <thread>

#include <sys/resource.h>

#include "config/Config.hpp"
#include "dashboard/SeriesSampler.hpp"
#include "discovery/Discovery.hpp"
#include "net/ConnectionServer.hpp"
#include "runtime/Reloader.hpp"
#include "runtime/RuntimeHolder.hpp"
#include "server/AdminAuth.hpp"
#include "server/Handlers.hpp"
#include "shared/SharedState.hpp"
#include "tls/ListenerCertificate.hpp"
#include "upstream/InFlightCalls.hpp"

namespace aicore::host {
namespace {

// Each open stream holds two descriptors (client and upstream); the soft limit is often 1024
// (systemd's default), which would cap the server near 500 streams whatever max_threads says.
// Raise it to the hard limit, as nginx's worker_rlimit_nofile would be set by hand.
void raise_fd_limit(int max_threads) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(max_threads) * 2 + 256;
  if (rl.rlim_cur >= wanted || rl.rlim_cur == rl.rlim_max) return;
  const rlim_t before = rl.rlim_cur;
  rl.rlim_cur = rl.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
    spdlog::debug("raised the open-file limit from {} to {}", before, rl.rlim_cur);
  if (rl.rlim_cur < wanted)
    spdlog::warn("open-file limit {} is below the {} that server.max_threads {} can use: streams beyond it fail",
                 rl.rlim_cur, wanted, max_threads);
}

// Shared with the ConnectionServer.
Poco::Net::HTTPServerParams::Ptr make_server_params(const ServerSettings& sc, const std::string& version) {
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(sc.max_threads);
  params->setMaxQueued(sc.max_queued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(sc.keep_alive_timeout_s, 0));
  params->setMaxKeepAliveRequests(sc.max_keep_alive_requests);
  params->setTimeout(Poco::Timespan(sc.client_timeout_s, 0));
  params->setSoftwareVersion("aicore-proxy/" + version);
  return params;
}

net::ConnectionSettings make_connection_settings(const ServerSettings& sc) {
  net::ConnectionSettings cs;
  cs.header_timeout_s = sc.header_timeout_s;
  cs.keep_alive_timeout_s = sc.keep_alive_timeout_s;
  cs.client_timeout_s = sc.client_timeout_s;
  cs.send_timeout_s = sc.send_timeout_s;
  cs.max_keep_alive_requests = sc.max_keep_alive_requests;
  cs.busy_answer = busy_answer;
  return cs;
}

// The listening socket, TLS when the config names a certificate (its context then set in
// `listener_tls`, whose certificate reloads on SIGHUP). Throws ConfigError or Poco::Exception.
std::unique_ptr<Poco::Net::ServerSocket> open_listener(const Config& config, Poco::Net::Context::Ptr& listener_tls) {
  Poco::Net::SocketAddress addr(config.host, config.port);
  if (!config.server.tls_cert_file.empty()) {
    listener_tls = make_listener_context(config.server);
    return std::make_unique<Poco::Net::SecureServerSocket>(addr, 1024, listener_tls);
  }
  return std::make_unique<Poco::Net::ServerSocket>(addr, 1024);
}

void announce(const Runtime& rt, bool tls, int port, const std::string& version) {
  if (rt.config.client_keys.empty()) {
    if (loopback_host(rt.config.host))
      spdlog::warn("no secret_authentication_tokens configured: any local client may use this proxy");
    else
      spdlog::critical(
          "NO CLIENT AUTHENTICATION and listening on {}: anyone who can reach this port can use "
          "your SAP AI Core quota. Set secret_authentication_tokens.",
          rt.config.host);
  }
  spdlog::info("aicore-proxy {} listening on {}://{}:{} ({} model(s), {} provider plugin(s))", version,
               tls ? "https" : "http", rt.config.host, port, rt.router->models().size(), rt.plugins.providers.size());
  std::cout << "aicore-proxy listening on " << (tls ? "https://" : "http://") << rt.config.host << ":" << port
            << std::endl;
}

// Lets in-flight requests and streams finish, up to a bound; idle keep-alive connections are not
// waited for.
void drain(RuntimeHolder& holder, const ServerSettings& sc) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(sc.drain_timeout_s);
  while (holder.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (holder.in_flight.load() > 0) {
    // The deadline is hard: the upstream calls still running are aborted (their sockets shut
    // down, waits ended), so each request ends at once with what its client can still get — a
    // 503 before its answer started, an error event in a stream — and its access line says so.
    // Repeated: a call that was connecting during one pass is caught by the next.
    spdlog::warn("drain deadline reached: ending {} request(s) still in flight", holder.in_flight.load());
    const auto grace = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    do {
      InFlightCalls::process().abort_all();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (holder.in_flight.load() > 0 && std::chrono::steady_clock::now() < grace);
  }
}

}  // namespace

int serve(const std::shared_ptr<Runtime>& rt, const ServeHooks& hooks) {
  const auto& sc = rt->config.server;
  raise_fd_limit(sc.max_threads);
  // Poco's default pool stops at 16 threads; each open stream holds one, so bring our own.
  Poco::ThreadPool pool("aicore", sc.min_threads, sc.max_threads, 60, 256 * 1024);
  Poco::Net::HTTPServerParams::Ptr params = make_server_params(sc, hooks.version);
  net::ConnectionSettings cs = make_connection_settings(sc);

  std::unique_ptr<Poco::Net::ServerSocket> socket;
  const bool tls = !sc.tls_cert_file.empty();
  Poco::Net::Context::Ptr listener_tls;  // its certificate reloads on SIGHUP
  try {
    socket = open_listener(rt->config, listener_tls);
  } catch (const ConfigError& e) {
    std::cerr << "aicore-proxy: config error: " << e.what() << "\n";
    return kExitConfig;
  } catch (const Poco::Exception& e) {
    spdlog::critical("cannot listen on {}:{}: {}", rt->config.host, rt->config.port, e.displayText());
    return 1;
  }
  const int port = socket->address().port();
  auto holder = std::make_shared<RuntimeHolder>(rt);
  holder->listener_port = port;
  const int max_in_flight = sc.max_in_flight > 0 ? sc.max_in_flight : std::max(1, sc.max_threads - 8);
  // Not Poco's HTTPServer: its thread per connection lets idle and slow clients take every
  // worker (docs/connection-layer.md).
  net::ConnectionServer server(new HandlerFactory(holder, max_in_flight, hooks.version), pool, *socket, tls, params, cs,
                               send_connection_error);
  server.start();
  // The dashboard's 15 minutes of history start now (whether or not it is served yet: a reload
  // may turn it on).
  dashboard::SeriesSampler::process().start();
  Discovery discovery(holder);         // deployment lists, refreshed while serving (discovery/)
  shared::SharedState shared(holder);  // cooldowns shared with other instances (shared_state)
  Reloader reloader(
      holder,
      [rebuild = hooks.rebuild, holder, listener_tls] {
        auto next = rebuild(*holder->get());
        if (listener_tls) reload_listener_certificate(*listener_tls, next->config.server);
        return next;
      },
      [&discovery] { discovery.refresh_now(); });
  announce(*rt, tls, port, hooks.version);

  hooks.wait_for_termination();
  discovery.stop();
  spdlog::info("shutting down: no new connections; {} request(s) in flight", holder->in_flight.load());
  holder->draining = true;
  server.stop_accepting();
  drain(*holder, sc);
  server.stop();
  pool.joinAll();
  shared.stop();  // once no request can cool a deployment any more
  dashboard::SeriesSampler::process().stop();
  spdlog::info("stopped");
  spdlog::shutdown();
  return 0;
}

}  // namespace aicore::host

// aicore-proxy: the host process. Parses the command line, loads the config and plugins, starts
// the connection layer (host/net, over Poco) with its own thread pool, and waits for SIGINT/SIGTERM.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/Util/ServerApplication.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <thread>

#include <sys/resource.h>

#include "cli/Options.hpp"
#include "config/Config.hpp"
#include "log/Log.hpp"
#include "net/ConnectionServer.hpp"
#include "plugin/PluginRegistry.hpp"
#include "server/Handlers.hpp"
#include "server/Reloader.hpp"
#include "server/Runtime.hpp"
#include "tls/ListenerCertificate.hpp"
#include "upstream/InFlightCalls.hpp"

#ifndef AICORE_VERSION
#define AICORE_VERSION "0.0.0"
#endif

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

constexpr int kExitConfig = 2;

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

void print_plugins(const std::string& dir, const PluginSet& set) {
  std::cout << "plugin folder: " << dir << "\n";
  if (set.reports.empty()) std::cout << "  (no plugins found)\n";
  for (const auto& r : set.reports) {
    std::cout << "  " << (r.name.empty() ? "?" : r.name) << " " << r.version << "  [" << r.status << "]\n"
              << "    file: " << r.file << "\n";
    if (!r.abi.empty()) {
      std::cout << "    abi: " << r.abi << "  interfaces:";
      for (const auto& i : r.interfaces) std::cout << " " << i;
      std::cout << "\n";
    }
  }
}

class ProxyApp : public Poco::Util::ServerApplication {
 protected:
  // We parse our own command line (see cli/Options): "--name value" and exact exit codes.
  void defineOptions(Poco::Util::OptionSet&) override { stopOptionsProcessing(); }

  int main(const std::vector<std::string>& args) override {
    Options opt;
    try {
      opt = parse_options(args);
    } catch (const UsageError& e) {
      std::cerr << "aicore-proxy: " << e.what() << "\n";
      return kExitConfig;
    }
    if (opt.help) {
      std::cout << usage_text();
      return 0;
    }
    if (opt.version) {
      std::cout << "aicore-proxy " << AICORE_VERSION << " (plugin ABI " << ACP_ABI_VERSION_MAJOR << "."
                << ACP_ABI_VERSION_MINOR << ")\n";
      return 0;
    }
    if (opt.config.empty()) {
      std::cerr << "aicore-proxy: --config FILE is required (see --help)\n";
      return kExitConfig;
    }

    block_control_signals();  // before any thread exists, so every thread inherits it

    Config config;
    try {
      config = load_config(opt);
    } catch (const ConfigError& e) {
      std::cerr << "aicore-proxy: config error: " << e.what() << "\n";
      return kExitConfig;
    }

    setup_logging(config.log, opt.debug);
    for (const auto& w : config.warnings) spdlog::warn("config: {}", w);

    const std::string dir = plugin_dir(opt, config);
    PluginSet plugins = load_plugins(dir, config);
    if (opt.list_plugins) {
      print_plugins(dir, plugins);
      return 0;
    }

    std::shared_ptr<Runtime> rt;
    try {
      rt = Runtime::build(std::move(config), std::move(plugins));
    } catch (const ConfigError& e) {
      std::cerr << "aicore-proxy: config error: " << e.what() << "\n";
      return kExitConfig;
    }
    if (opt.check_config) {
      std::cout << "configuration OK: " << rt->config.subaccounts.size() << " subaccount(s), "
                << rt->router->models().size() << " model(s), " << rt->plugins.providers.size()
                << " provider plugin(s)\n";
      for (const auto& m : rt->router->orphans())
        std::cerr << "aicore-proxy: config error: subAccounts.*.deployment_models." << m
                  << ": no enabled provider plugin serves this model (map it with plugins.models)\n";
      return rt->router->orphans().empty() ? 0 : kExitConfig;
    }
    return serve_(opt, rt);
  }

 private:
  // The config file with the command line's overrides; its secrets join the redaction list.
  static Config load_config(const Options& opt) {
    Config config = load_config_file(opt.config);
    if (opt.port) config.port = *opt.port;
    if (opt.host) config.host = *opt.host;
    for (const auto& s : config.secrets()) Redactor::instance().add(s);
    return config;
  }

  static std::string plugin_dir(const Options& opt, const Config& config) {
    if (!opt.plugin_dir.empty()) return opt.plugin_dir;
    return !config.plugins.dir.empty() ? config.plugins.dir : default_plugin_dir();
  }

  // What SIGHUP does: the whole start-up path again, except logging and the listener.
  static std::shared_ptr<Runtime> rebuild(const Options& opt, const Runtime& current) {
    Config config = load_config(opt);
    for (const auto& w : config.warnings) spdlog::warn("config: {}", w);
    if (config.host != current.config.host || config.port != current.config.port)
      spdlog::warn("host/port changes take effect only after a restart (still listening on {}:{})", current.config.host,
                   current.config.port);
    config.host = current.config.host;
    config.port = current.config.port;
    PluginSet plugins = load_plugins(plugin_dir(opt, config), config);
    auto rt = Runtime::build(std::move(config), std::move(plugins), &current);
    for (const auto& m : rt->router->orphans())
      throw ConfigError("subAccounts.*.deployment_models." + m + ": no enabled provider plugin serves this model");
    return rt;
  }

  int serve_(const Options& opt, const std::shared_ptr<Runtime>& rt) {
    const auto& sc = rt->config.server;
    raise_fd_limit(sc.max_threads);
    // Poco's default pool stops at 16 threads; each open stream holds one, so bring our own.
    Poco::ThreadPool pool("aicore", sc.min_threads, sc.max_threads, 60, 256 * 1024);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(sc.max_threads);
    params->setMaxQueued(sc.max_queued);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(sc.keep_alive_timeout_s, 0));
    params->setMaxKeepAliveRequests(sc.max_keep_alive_requests);
    params->setTimeout(Poco::Timespan(sc.client_timeout_s, 0));
    net::ConnectionSettings cs;
    cs.header_timeout_s = sc.header_timeout_s;
    cs.keep_alive_timeout_s = sc.keep_alive_timeout_s;
    cs.client_timeout_s = sc.client_timeout_s;
    cs.send_timeout_s = sc.send_timeout_s;
    cs.max_keep_alive_requests = sc.max_keep_alive_requests;
    params->setSoftwareVersion(std::string("aicore-proxy/") + AICORE_VERSION);

    std::unique_ptr<Poco::Net::ServerSocket> socket;
    const bool tls = !sc.tls_cert_file.empty();
    Poco::Net::Context::Ptr listener_tls;  // its certificate reloads on SIGHUP
    try {
      Poco::Net::SocketAddress addr(rt->config.host, rt->config.port);
      if (tls) {
        listener_tls = make_listener_context(sc);
        socket = std::make_unique<Poco::Net::SecureServerSocket>(addr, 1024, listener_tls);
      } else {
        socket = std::make_unique<Poco::Net::ServerSocket>(addr, 1024);
      }
    } catch (const ConfigError& e) {
      std::cerr << "aicore-proxy: config error: " << e.what() << "\n";
      return kExitConfig;
    } catch (const Poco::Exception& e) {
      spdlog::critical("cannot listen on {}:{}: {}", rt->config.host, rt->config.port, e.displayText());
      return 1;
    }
    const int port = socket->address().port();
    auto holder = std::make_shared<RuntimeHolder>(rt);
    const int max_in_flight = sc.max_in_flight > 0 ? sc.max_in_flight : std::max(1, sc.max_threads - 8);
    // Not Poco's HTTPServer: its thread per connection lets idle and slow clients take every
    // worker (docs/connection-layer.md).
    net::ConnectionServer server(new HandlerFactory(holder, max_in_flight), pool, *socket, tls, params, cs,
                                 send_connection_error);
    server.start();
    Reloader reloader(holder, [&opt, holder, listener_tls] {
      auto next = rebuild(opt, *holder->get());
      if (listener_tls) reload_listener_certificate(*listener_tls, next->config.server);
      return next;
    });

    if (rt->config.client_keys.empty()) {
      if (is_loopback(rt->config.host))
        spdlog::warn("no secret_authentication_tokens configured: any local client may use this proxy");
      else
        spdlog::critical(
            "NO CLIENT AUTHENTICATION and listening on {}: anyone who can reach this port can use "
            "your SAP AI Core quota. Set secret_authentication_tokens.",
            rt->config.host);
    }
    spdlog::info("aicore-proxy {} listening on {}://{}:{} ({} model(s), {} provider plugin(s))", AICORE_VERSION,
                 tls ? "https" : "http", rt->config.host, port, rt->router->models().size(),
                 rt->plugins.providers.size());
    std::cout << "aicore-proxy listening on " << (tls ? "https://" : "http://") << rt->config.host << ":" << port
              << std::endl;

    waitForTerminationRequest();
    spdlog::info("shutting down: no new connections; {} request(s) in flight", holder->in_flight.load());
    holder->draining = true;
    server.stop_accepting();
    // Let in-flight requests and streams finish, up to a bound; idle keep-alive connections
    // are not waited for.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(sc.drain_timeout_s);
    while (holder->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (holder->in_flight.load() > 0) {
      // The deadline is hard: the upstream calls still running are aborted (their sockets shut
      // down, waits ended), so each request ends at once with what its client can still get — a
      // 503 before its answer started, an error event in a stream — and its access line says so.
      // Repeated: a call that was connecting during one pass is caught by the next.
      spdlog::warn("drain deadline reached: ending {} request(s) still in flight", holder->in_flight.load());
      const auto grace = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      do {
        InFlightCalls::process().abort_all();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      } while (holder->in_flight.load() > 0 && std::chrono::steady_clock::now() < grace);
    }
    server.stop();
    pool.joinAll();
    spdlog::info("stopped");
    spdlog::shutdown();
    return 0;
  }
};

}  // namespace
}  // namespace aicore::host

int main(int argc, char** argv) {
  aicore::host::ProxyApp app;
  return app.run(argc, argv);
}

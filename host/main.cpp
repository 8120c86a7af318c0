// aicore-proxy: the host process. Parses the command line, loads the config and plugins, starts
// the Poco HTTP server with its own thread pool, and waits for SIGINT/SIGTERM.
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/Util/ServerApplication.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "cli/Options.hpp"
#include "config/Config.hpp"
#include "log/Log.hpp"
#include "plugin/PluginRegistry.hpp"
#include "server/Handlers.hpp"
#include "server/Runtime.hpp"

#ifndef AICORE_VERSION
#define AICORE_VERSION "0.0.0"
#endif

namespace aicore::host {
namespace {

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

    Config config;
    try {
      config = load_config_file(opt.config);
    } catch (const ConfigError& e) {
      std::cerr << "aicore-proxy: config error: " << e.what() << "\n";
      return kExitConfig;
    }
    if (opt.port) config.port = *opt.port;
    if (opt.host) config.host = *opt.host;

    setup_logging(config.log, opt.debug);
    for (const auto& s : config.secrets()) Redactor::instance().add(s);
    for (const auto& w : config.warnings) spdlog::warn("config: {}", w);

    std::string dir = !opt.plugin_dir.empty() ? opt.plugin_dir : !config.plugins.dir.empty() ? config.plugins.dir : default_plugin_dir();
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
    return serve_(rt);
  }

 private:
  int serve_(const std::shared_ptr<Runtime>& rt) {
    const auto& sc = rt->config.server;
    // Poco's default pool stops at 16 threads; each open stream holds one, so bring our own.
    Poco::ThreadPool pool("aicore", sc.min_threads, sc.max_threads, 60, 256 * 1024);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(sc.max_threads);
    params->setMaxQueued(sc.max_queued);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(sc.keep_alive_timeout_s, 0));
    params->setMaxKeepAliveRequests(sc.max_keep_alive_requests);
    params->setTimeout(Poco::Timespan(sc.client_timeout_s, 0));
    params->setSoftwareVersion(std::string("aicore-proxy/") + AICORE_VERSION);

    std::unique_ptr<Poco::Net::ServerSocket> socket;
    try {
      socket = std::make_unique<Poco::Net::ServerSocket>(Poco::Net::SocketAddress(rt->config.host, rt->config.port), 1024);
    } catch (const Poco::Exception& e) {
      spdlog::critical("cannot listen on {}:{}: {}", rt->config.host, rt->config.port, e.displayText());
      return 1;
    }
    const int port = socket->address().port();
    Poco::Net::HTTPServer server(new HandlerFactory(rt), pool, *socket, params);
    server.start();

    if (rt->config.client_keys.empty()) {
      if (is_loopback(rt->config.host))
        spdlog::warn("no secret_authentication_tokens configured: any local client may use this proxy");
      else
        spdlog::critical("NO CLIENT AUTHENTICATION and listening on {}: anyone who can reach this port can use "
                         "your SAP AI Core quota. Set secret_authentication_tokens.", rt->config.host);
    }
    spdlog::info("aicore-proxy {} listening on http://{}:{} ({} model(s), {} provider plugin(s))", AICORE_VERSION,
                 rt->config.host, port, rt->router->models().size(), rt->plugins.providers.size());
    std::cout << "aicore-proxy listening on http://" << rt->config.host << ":" << port << std::endl;

    waitForTerminationRequest();
    spdlog::info("shutting down: no new connections; waiting for {} in-flight connection(s)", server.currentConnections());
    server.stop();
    // Let in-flight requests and streams finish, up to a bound.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (server.currentConnections() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    server.stopAll(true);
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

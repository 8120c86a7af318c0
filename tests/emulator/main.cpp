// aicore-emulator: a strict stand-in for SAP AI Core (XSUAA token endpoint + inference
// deployments) for integration tests, the demo and benchmarks. See README.md.
#include "emulator.hpp"
#include "mtls_listener.hpp"
#include "router.hpp"

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include <pthread.h>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace {

// Writes the port atomically (temp file + rename) so a harness polling the file never reads a
// half-written number.
bool writePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << port << '\n';
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string error;
  bool help = false;
  auto options = aicore::emulator::parseOptions(argc, argv, error, help);
  if (!options) {
    if (help) {
      std::cout << aicore::emulator::usageText();
      return 0;
    }
    std::cerr << "aicore-emulator: " << error << "\n" << aicore::emulator::usageText();
    return 2;
  }

  auto state = std::make_unique<aicore::emulator::Emulator>();
  state->options = *options;
  try {
    state->config = aicore::emulator::loadConfig(options->configFile);
    state->deployments.reset(state->config.deployments);
  } catch (const std::exception& e) {
    std::cerr << "aicore-emulator: " << e.what() << "\n";
    return 2;
  }

  // SIGTERM/SIGINT are taken synchronously by sigwait below; block them before any thread starts
  // so workers inherit the mask. Writes to a vanished client must fail with EPIPE, not kill us.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    Poco::Net::ServerSocket socket;
    // SO_REUSEADDR for quick restarts, but not SO_REUSEPORT (Poco's one-flag bind sets both): a
    // second emulator on a busy port must fail, not silently share the port with the first.
    socket.bind(Poco::Net::SocketAddress(options->host, static_cast<Poco::UInt16>(options->port)), true, false);
    socket.listen(1024);
    const int port = socket.address().port();

    // Poco's default pool caps at 16 threads and every keep-alive connection holds one, so
    // benchmarks need their own, larger pool.
    Poco::ThreadPool pool(std::min(4, options->threads), options->threads, 60);
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(options->threads);
    params->setMaxQueued(std::max(1024, options->threads * 4));
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(1000000);
    params->setKeepAliveTimeout(Poco::Timespan(30, 0));

    Poco::Net::HTTPServer server(new aicore::emulator::RequestHandlerFactory(*state), pool, socket, params);
    server.start();
    // Announced before the plain listener: harnesses take the first "listening on" line as the
    // emulator's URL and find this one in the output by then.
    aicore::emulator::MtlsListener mtls;
    if (!options->mtlsCert.empty()) {
      mtls = aicore::emulator::startMtlsListener(*state, pool);
      std::cout << "aicore-emulator mTLS token endpoint at https://" << options->host << ":" << mtls.port << std::endl;
    }

    if (!options->portFile.empty() && !writePortFile(options->portFile, port)) {
      std::cerr << "aicore-emulator: cannot write port file " << options->portFile << "\n";
      server.stopAll(true);
      return 2;
    }
    std::cout << "aicore-emulator listening on http://" << options->host << ":" << port << std::endl;

    int sig = 0;
    sigwait(&stopSignals, &sig);
    // Abort in-flight requests (long streams with --chunk-delay-ms) instead of waiting them out.
    server.stopAll(true);
    if (mtls.server) mtls.server->stopAll(true);
    pool.joinAll();
  } catch (const Poco::Exception& e) {
    std::cerr << "aicore-emulator: " << e.displayText() << "\n";
    return 1;
  }
  return 0;
}

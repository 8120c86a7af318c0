// The host's real request path under ThreadSanitizer: the connection layer with the real
// HandlerFactory and handlers (/health, /v1/models, 404, model requests through ProxyHandler
// with the real plugins from the main build, admission and in-flight counting), while a reload
// thread builds and swaps runtimes the way SIGHUP does (plugins loaded again, tokens and
// cooldowns handed over) and the drain then begins. Model requests fail at their token fetch (the
// token endpoint refuses connections), so the token cache's failure memory is exercised too.
// TSan reports any data race; the assertions check that every request got a well-formed answer.
#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/Config.hpp"
#include "net/ConnectionServer.hpp"
#include "plugin/PluginRegistry.hpp"
#include "server/Handlers.hpp"
#include "runtime/Runtime.hpp"
#include "runtime/RuntimeHolder.hpp"

using namespace aicore::host;

namespace {

// A subaccount whose token endpoint refuses connections (nothing listens on port 1).
const char* kConfig = R"({
  "subAccounts": {"a": {"resource_group": "default",
    "service_key": {"clientid": "id", "clientsecret": "secret-value", "url": "http://127.0.0.1:1",
                    "identityzoneid": "z", "serviceurls": {"AI_API_URL": "http://127.0.0.1:1"}},
    "deployment_models": {"gpt-4o": ["http://127.0.0.1:1/v2/inference/deployments/d1"],
                          "anthropic--claude-4.5-sonnet": ["http://127.0.0.1:1/v2/inference/deployments/d2"]}}},
  "secret_authentication_tokens": ["test-key-1"],
  "upstream": {"connect_timeout_s": 1, "token_timeout_s": 1},
  "retry": {"max_attempts": 2, "base_delay_ms": 1, "max_delay_ms": 5, "deadline_s": 5}
})";

std::shared_ptr<Runtime> build_runtime(const Runtime* previous) {
  Config config = parse_config(kConfig, ".");
  PluginSet plugins = load_plugins(AICORE_TSAN_PLUGIN_DIR, config);
  return Runtime::build(std::move(config), std::move(plugins), previous);
}

// One request on a new connection; the answer's status (0 when none came).
int ask(uint16_t port, const std::string& request) {
  try {
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", port));
    s.setReceiveTimeout(Poco::Timespan(20, 0));
    Poco::Net::SocketStream io(s);
    io << request << std::flush;
    std::string line;
    if (!std::getline(io, line) || line.rfind("HTTP/1.1 ", 0) != 0 || line.size() < 12) return 0;
    const int status = std::stoi(line.substr(9, 3));
    size_t len = 0;
    while (std::getline(io, line) && line != "\r")
      if (line.rfind("Content-Length: ", 0) == 0) len = std::stoul(line.substr(16));
    std::string body(len, '\0');
    if (!io.read(body.data(), static_cast<std::streamsize>(len))) return 0;
    return body.find("\"error\"") != std::string::npos || status == 200 ? status : 0;
  } catch (const Poco::Exception&) {
    return 0;
  }
}

std::string post(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-key-1\r\nx-api-key: test-key-1\r\n"
         "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

}  // namespace

TEST(RequestPath, HandlerFactoryUnderReloadsAndTheDrain) {
  ASSERT_TRUE(std::filesystem::exists(AICORE_TSAN_PLUGIN_DIR)) << "build the main tree first (scripts/build.sh)";
  auto holder = std::make_shared<RuntimeHolder>(build_runtime(nullptr));
  Poco::ThreadPool pool("tsan", 2, 32, 60, 256 * 1024);
  Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0), 64);
  const uint16_t port = listener.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(32);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  net::ConnectionSettings settings;
  settings.busy_answer = busy_answer;
  auto server = std::make_unique<net::ConnectionServer>(new HandlerFactory(holder, 16), pool, listener, false, params,
                                                        settings, send_connection_error);
  server->start();

  const std::vector<std::pair<std::string, std::set<int>>> requests = {
      {"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", {200}},
      {"GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-key-1\r\nConnection: close\r\n\r\n", {200}},
      {"GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\nConnection: close\r\n\r\n", {401}},
      {"GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", {404}},
      {post("/v1/chat/completions", R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]})"), {502, 503}},
      {post("/v1/messages", R"({"model":"anthropic--claude-4.5-sonnet","max_tokens":5,"messages":[{"role":"user","content":"hi"}]})"),
       {502, 503}},
      {post("/v1/chat/completions", R"({"model":"no-such-model","messages":[]})"), {400, 404}},
      {post("/v1/chat/completions", R"({"model":)"), {400}},
  };

  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, wrong{0};
  std::thread reloader([&] {
    for (int i = 0; i < 10 && !stop; ++i) {
      auto next = build_runtime(holder->get().get());
      holder->set(next);
      next->settle_shared_state();
      std::this_thread::sleep_for(std::chrono::milliseconds(30));  // pacing only
    }
  });
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const auto& [request, expected] = requests[(t + i) % requests.size()];
        const int status = ask(port, request);
        if (expected.count(status)) ++answered;
        else {
          ++wrong;
          ADD_FAILURE() << "status " << status << " for " << request.substr(0, request.find('\r'));
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  stop = true;
  reloader.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(answered.load(), 6 * 40);

  // The drain: every route now answers 503 from the handler factory, from many threads at once.
  holder->draining = true;
  std::vector<std::thread> late;
  std::atomic<int> refused{0};
  for (int t = 0; t < 4; ++t)
    late.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i)
        if (ask(port, requests[(t + i) % requests.size()].first) == 503) ++refused;
    });
  for (auto& t : late) t.join();
  EXPECT_EQ(refused.load(), 40);
  server->stop_accepting();
  server->stop();
  server.reset();
  pool.joinAll();
  EXPECT_EQ(holder->in_flight.load(), 0);
}

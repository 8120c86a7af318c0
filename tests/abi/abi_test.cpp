// The host's side of the ABI: loading, version negotiation, refusing broken plugins with a
// specific reason, and surviving plugins that throw.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "config/Config.hpp"
#include "plugin/HostApi.hpp"
#include "plugin/PluginRegistry.hpp"

using namespace aicore::host;
namespace fs = std::filesystem;

namespace {
std::string fake(const char* name) { return std::string(FAKE_PLUGIN_DIR) + "/" + name + ".so"; }

std::string load_error(const char* name) {
  try {
    PluginLibrary::load(fake(name));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "loaded";
}

Config minimal_config() {
  return parse_config(R"({"subAccounts":{"a":{"service_key":{"clientid":"i","clientsecret":"s","url":"https://u",
      "serviceurls":{"AI_API_URL":"https://api"}},"deployment_models":{"fake-1":["https://api/d"]}}}})", ".");
}

std::shared_ptr<Provider> good_provider(const std::string& settings = "{}") {
  auto lib = PluginLibrary::load(fake("fake"));
  return std::make_shared<Provider>(lib, read_table<acp_provider_v1>(lib->find_interface(ACP_IFACE_PROVIDER_V1)), settings);
}
}  // namespace

TEST(Abi, LoadsAGoodPluginAndReadsItsDescriptor) {
  auto lib = PluginLibrary::load(fake("fake"));
  EXPECT_EQ(lib->name(), "fake");
  EXPECT_EQ(lib->version(), "9.9.9");
  EXPECT_EQ(lib->abi_version(), "1.3");
  EXPECT_EQ(lib->interface_names(), std::vector<std::string>{ACP_IFACE_PROVIDER_V1});
  EXPECT_NE(lib->find_interface(ACP_IFACE_PROVIDER_V1), nullptr);
  EXPECT_EQ(lib->find_interface(ACP_IFACE_CLIENT_AUTH_V1), nullptr);
}

TEST(Abi, RefusesWrongMajorVersionNamingBothVersions) {
  EXPECT_EQ(load_error("future"), "plugin future built for ABI 2.0, host speaks 1.3: not loaded");
}

TEST(Abi, RefusesLibraryWithoutEntryPoint) {
  EXPECT_EQ(load_error("no_entry"), "no entry point 'acp_plugin_entry': not an aicore-proxy plugin");
}

TEST(Abi, RefusesAnEntryThatReturnsNull) {
  EXPECT_NE(load_error("refuses").find("entry point refused the host"), std::string::npos);
}

TEST(Abi, ReportsAFileThatIsNotALibrary) {
  EXPECT_NE(load_error("does_not_exist").find("cannot load"), std::string::npos);
}

TEST(Abi, OlderSmallerTableWorksWithMissingCallbacksAbsent) {
  auto lib = PluginLibrary::load(fake("old"));
  auto table = read_table<acp_provider_v1>(lib->find_interface(ACP_IFACE_PROVIDER_V1));
  EXPECT_EQ(table.classify_error, nullptr);  // beyond its struct_size: zero, not garbage
  Provider p(lib, table, "{}");
  EXPECT_TRUE(p.detect_model("old-model"));
  EXPECT_TRUE(p.model_candidates("x").empty());
  std::string msg;
  ResponseView rv{"openai.chat", "old-model", "", 429, "", "{}"};
  EXPECT_EQ(p.classify_error(rv, msg), ACP_UPSTREAM_RETRY);  // the host's default policy
  rv.status = 400;
  EXPECT_EQ(p.classify_error(rv, msg), ACP_UPSTREAM_FATAL);
}

TEST(Abi, ConvertsThroughTheTable) {
  set_fixed_unix_time(1700000000);
  auto p = good_provider();
  EXPECT_TRUE(p->detect_model("fake-1"));
  EXPECT_FALSE(p->detect_model("gpt-4o"));
  EXPECT_EQ(p->model_candidates("alias-of-fake"), std::vector<std::string>{"fake-1"});
  std::vector<acp_header> headers{{{"x-client", 8}, {"abc", 3}}};
  ProviderCall call{"openai.chat", "fake-1", "fake-1", R"({"a":1})", &headers, true};
  UpstreamRequest req;
  PluginFailure fail;
  ASSERT_TRUE(p->convert_request(call, req, fail));
  EXPECT_EQ(req.target, "/echo?model=fake-1");
  EXPECT_EQ(req.body, R"({"a":1})");
  EXPECT_EQ(req.context, "stream");
  ASSERT_EQ(req.headers.size(), 1u);
  EXPECT_EQ(req.headers[0], (std::pair<std::string, std::string>{"X-Fake", "abc"}));
  std::string out;
  ASSERT_TRUE(p->convert_response({"openai.chat", "fake-1", "plain", 200, "application/json", "{}"}, out, fail));
  EXPECT_EQ(out, R"({"ctx":"plain","t":1700000000})");  // the plugin sees the host's clock
  set_fixed_unix_time(0);
}

TEST(Abi, StreamsThroughTheTable) {
  auto p = good_provider();
  PluginFailure fail;
  auto s = p->open_stream({"openai.chat", "fake-1", "", 200, "text/event-stream", ""}, fail);
  ASSERT_TRUE(s);
  std::vector<std::string> events;
  auto sink = [&](std::string_view e) { events.emplace_back(e); };
  ASSERT_TRUE(s->feed("ab", sink, fail));
  ASSERT_TRUE(s->feed("c", sink, fail));
  ASSERT_TRUE(s->finish(sink, fail));
  EXPECT_EQ(events, (std::vector<std::string>{"ev:ab", "ev:c", "end"}));
}

TEST(Abi, ExceptionFromTheHostSinkDoesNotCrossThePlugin) {
  auto p = good_provider();
  PluginFailure fail;
  auto s = p->open_stream({"openai.chat", "fake-1", "", 200, "", ""}, fail);
  struct ClientGone {};
  EXPECT_THROW(s->feed("x", [](std::string_view) { throw ClientGone{}; }, fail), ClientGone);
}

TEST(Abi, ThrowingPluginBecomesAnErrorValue) {
  auto p = good_provider();
  UpstreamRequest req;
  ProviderCall call{"throw.std", "fake-1", "fake-1", "{}", nullptr, false};
  PluginFailure fail;
  EXPECT_FALSE(p->convert_request(call, req, fail));
  EXPECT_EQ(fail.status, ACP_ERR_INTERNAL);
  EXPECT_EQ(fail.message, "plugin error: boom");
  call.dialect = "throw.int";
  EXPECT_FALSE(p->convert_request(call, req, fail));
  EXPECT_EQ(fail.status, ACP_ERR_INTERNAL);
  EXPECT_EQ(fail.message, "plugin error: unknown exception");
  call.dialect = "invalid";
  EXPECT_FALSE(p->convert_request(call, req, fail));
  EXPECT_EQ(fail.status, ACP_ERR_INVALID_REQUEST);
  EXPECT_EQ(fail.http_status, 400);
  EXPECT_EQ(fail.message, "messages: required");
}

TEST(Abi, RejectedSettingsAreReportedWithThePluginsMessage) {
  try {
    good_provider(R"({"reject":true})");
    FAIL() << "settings accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "settings rejected: fake: rejected settings");
  }
}

TEST(Abi, RegistryKeepsTheGoodPluginsAndReportsTheRest) {
  Config c = minimal_config();
  PluginSet set = load_plugins(FAKE_PLUGIN_DIR, c);
  ASSERT_EQ(set.providers.size(), 3u);  // fake, old and stream_fails
  auto status_of = [&](const std::string& file) {
    for (auto& r : set.reports)
      if (r.file.find(file) != std::string::npos) return r.status;
    return std::string("missing");
  };
  EXPECT_EQ(status_of("fake.so"), "loaded");
  EXPECT_EQ(status_of("old.so"), "loaded");
  EXPECT_EQ(status_of("future.so"), "plugin future built for ABI 2.0, host speaks 1.3: not loaded");
  EXPECT_EQ(status_of("newer.so"), "plugin newer built for ABI 1.4, host speaks 1.3: not loaded");
  EXPECT_NE(status_of("needs_newer_host.so").find("refused"), std::string::npos);
  EXPECT_NE(status_of("no_entry.so").find("no entry point"), std::string::npos);
  EXPECT_NE(status_of("refuses.so").find("refused"), std::string::npos);
  EXPECT_NE(set.provider("fake"), nullptr);
}

TEST(Abi, RegistryHonoursDisabledAndEnabledLists) {
  Config c = minimal_config();
  c.plugins.disabled = {"old"};
  PluginSet set = load_plugins(FAKE_PLUGIN_DIR, c);
  EXPECT_EQ(set.providers.size(), 2u);
  EXPECT_EQ(set.provider("old"), nullptr);
  c.plugins.disabled.clear();
  c.plugins.enabled = {"old"};
  set = load_plugins(FAKE_PLUGIN_DIR, c);
  ASSERT_EQ(set.providers.size(), 1u);
  EXPECT_EQ(set.providers[0]->name(), "old");
}

TEST(Abi, RegistryPassesPerPluginSettings) {
  Config c = minimal_config();
  c.plugins.settings["fake"] = R"({"reject":true})";
  PluginSet set = load_plugins(FAKE_PLUGIN_DIR, c);
  EXPECT_EQ(set.provider("fake"), nullptr);  // its settings were rejected: not used, others still are
  EXPECT_NE(set.provider("old"), nullptr);
}

TEST(Abi, PluginCanAnswerLocallyWithoutAnUpstreamCall) {
  auto p = good_provider();
  UpstreamRequest req;
  PluginFailure fail;
  ProviderCall call{"local", "fake-1", "fake-1", "{}", nullptr, false};
  ASSERT_TRUE(p->convert_request(call, req, fail));
  EXPECT_EQ(req.local_status, 200);
  EXPECT_EQ(req.local_body, R"({"input_tokens":3})");
  EXPECT_TRUE(req.target.empty());
}

// ---- version promises, disabled plugins, file permissions, handles (issue 10) ----------------

namespace {
// Captures what the host logs (plugins log through the host's API into spdlog).
struct LogCapture {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
  LogCapture() {
    auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous); }
  std::string text() const { return out.str(); }
};

// A private plugin folder with copies of some fakes, removed afterwards.
struct PluginFolder {
  fs::path dir;
  PluginFolder() {
    std::string tmpl = (fs::temp_directory_path() / "aicore-abi-XXXXXX").string();
    dir = ::mkdtemp(tmpl.data());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  }
  ~PluginFolder() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path add(const char* fake_name, const std::string& as) {
    fs::path to = dir / (as + ".so");
    fs::copy_file(fake(fake_name), to);
    fs::permissions(to, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec, fs::perm_options::replace);
    return to;
  }
  std::string status_of(const PluginSet& set, const std::string& file) const {
    for (const auto& r : set.reports)
      if (fs::path(r.file).filename() == file) return r.status;
    return "missing";
  }
};
}  // namespace

TEST(Abi, RefusesAPluginBuiltForANewerMinorVersion) {
  EXPECT_EQ(load_error("newer"), "plugin newer built for ABI 1.4, host speaks 1.3: not loaded");
}

TEST(Abi, TheSdkEntryPointRefusesAnOlderHostAsPluginHppPromises) {
  LogCapture log;
  EXPECT_NE(load_error("needs_newer_host").find("entry point refused the host"), std::string::npos);
  EXPECT_NE(log.text().find("plugin needs_newer_host: built for ABI 1.4, host speaks 1.3: not loaded"), std::string::npos)
      << log.text();
}

TEST(Abi, ADisabledPluginsEntryPointNeverRuns) {
  Config c = minimal_config();
  {
    LogCapture log;
    load_plugins(FAKE_PLUGIN_DIR, c);
    ASSERT_NE(log.text().find("loud: entry point ran"), std::string::npos) << "the control case";
  }
  c.plugins.disabled = {"loud"};
  {
    LogCapture log;
    PluginSet set = load_plugins(FAKE_PLUGIN_DIR, c);
    EXPECT_EQ(log.text().find("entry point ran"), std::string::npos);
    EXPECT_NE(log.text().find("plugin loud (" FAKE_PLUGIN_DIR "/loud.so) is disabled by the config: not loaded"),
              std::string::npos) << log.text();
    auto it = std::find_if(set.reports.begin(), set.reports.end(), [](const PluginReport& r) { return r.name == "loud"; });
    ASSERT_NE(it, set.reports.end());
    EXPECT_EQ(it->status, "disabled");
  }
  c.plugins.disabled.clear();
  c.plugins.enabled = {"fake"};  // not listed: not loaded either
  {
    LogCapture log;
    PluginSet set = load_plugins(FAKE_PLUGIN_DIR, c);
    EXPECT_EQ(log.text().find("entry point ran"), std::string::npos);
    ASSERT_EQ(set.providers.size(), 1u);
    EXPECT_EQ(set.providers[0]->name(), "fake");
  }
}

TEST(Abi, APluginFileMustBeNamedAfterThePlugin) {
  PluginFolder folder;
  folder.add("fake", "renamed");
  PluginSet set = load_plugins(folder.dir.string(), minimal_config());
  EXPECT_TRUE(set.providers.empty());
  EXPECT_EQ(folder.status_of(set, "renamed.so").rfind("declares the name 'fake': a plugin's file must be named", 0), 0u)
      << folder.status_of(set, "renamed.so");
}

TEST(Abi, PluginFilesOthersMayWriteAreRefused) {
  PluginFolder folder;
  fs::path so = folder.add("fake", "fake");
  Config c = minimal_config();
  EXPECT_EQ(load_plugins(folder.dir.string(), c).providers.size(), 1u);  // 0755, ours: fine

  fs::permissions(so, fs::perms::group_write, fs::perm_options::add);
  PluginSet set = load_plugins(folder.dir.string(), c);
  EXPECT_TRUE(set.providers.empty());
  EXPECT_EQ(folder.status_of(set, "fake.so"),
            "writable by its group (mode 0775): not loaded (fix the permissions, or set "
            "plugins.allow_insecure_permissions for development)");

  fs::permissions(so, fs::perms::others_write, fs::perm_options::add);
  set = load_plugins(folder.dir.string(), c);
  EXPECT_EQ(folder.status_of(set, "fake.so").rfind("writable by others (mode 0777)", 0), 0u);

  c.plugins.allow_insecure_permissions = true;  // the development escape hatch: a warning only
  LogCapture log;
  EXPECT_EQ(load_plugins(folder.dir.string(), c).providers.size(), 1u);
  EXPECT_NE(log.text().find("writable by others (mode 0777) (accepted: plugins.allow_insecure_permissions)"),
            std::string::npos) << log.text();
}

TEST(Abi, APluginFolderOthersMayWriteLoadsNothing) {
  PluginFolder folder;
  folder.add("fake", "fake");
  fs::permissions(folder.dir, fs::perms::others_write | fs::perms::others_exec, fs::perm_options::add);
  LogCapture log;
  PluginSet set = load_plugins(folder.dir.string(), minimal_config());
  EXPECT_TRUE(set.providers.empty());
  EXPECT_TRUE(set.reports.empty());
  EXPECT_NE(log.text().find("plugin folder " + folder.dir.string() + ": writable by others (mode 0703): no plugins loaded"),
            std::string::npos) << log.text();
}

TEST(Abi, PluginFilesOwnedBySomeoneElseAreRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a file to another user";
  PluginFolder folder;
  fs::path so = folder.add("fake", "fake");
  ASSERT_EQ(::chown(so.c_str(), 65534, 65534), 0);
  PluginSet set = load_plugins(folder.dir.string(), minimal_config());
  EXPECT_TRUE(set.providers.empty());
  EXPECT_EQ(folder.status_of(set, "fake.so").rfind("owned by uid 65534, neither the service user (uid 0) nor root", 0), 0u)
      << folder.status_of(set, "fake.so");
}

TEST(Abi, AFailedStreamOpenStillClosesTheHandleItHandedOut) {
  auto lib = PluginLibrary::load(fake("stream_fails"));
  Provider p(lib, read_table<acp_provider_v1>(lib->find_interface(ACP_IFACE_PROVIDER_V1)), "{}");
  PluginFailure fail;
  EXPECT_EQ(p.open_stream({"openai.chat", "m", "", 200, "text/event-stream", ""}, fail), nullptr);
  EXPECT_EQ(fail.status, ACP_ERR_UPSTREAM);
  EXPECT_EQ(fail.message, "upstream stream not understood");
  std::string counts;
  ASSERT_TRUE(p.convert_response({"openai.chat", "m", "", 200, "application/json", "{}"}, counts, fail));
  EXPECT_EQ(counts, R"({"opened":1,"closed":1})");
}

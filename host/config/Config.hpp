// The proxy's configuration: drop-in compatible with the Python SAP AI Core proxy's config.json
// (subAccounts, secret_authentication_tokens, port, host) plus our optional sections (plugins,
// model_aliases, server, upstream, retry, log). Loaded once at start-up; immutable afterwards.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/ClientKey.hpp"

namespace aicore::host {

// A config error names the exact path of the field: "subAccounts.acc1.service_key_json: ...".
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ServiceKey {
  std::string clientid;
  std::string clientsecret;
  std::string url;             // XSUAA base URL, without /oauth/token
  std::string identityzoneid;  // optional
  std::string ai_api_url;      // serviceurls.AI_API_URL
  // An X.509 key (BTP's "credential-type": "x509") has no client secret: its token request goes
  // to certurl and presents this certificate chain and private key (PEM) over mutual TLS.
  std::string certurl;
  std::string certificate;
  std::string key;
  bool x509() const { return !certificate.empty(); }
  std::string json;  // the whole key as JSON, for the upstream-auth plugin
};

// model key -> deployment URLs, in the order given
using ModelUrls = std::vector<std::pair<std::string, std::vector<std::string>>>;

struct SubAccount {
  std::string name;
  std::string resource_group = "default";
  ServiceKey key;
  // What is served: configured_models plus, when the subaccount discovers, the RUNNING
  // deployments its resource group lists (an explicit entry wins for its model key; see
  // discovery/DiscoveredModels.hpp). Equal to configured_models until a runtime is built.
  ModelUrls deployment_models;
  ModelUrls configured_models;  // deployment_models as written in the config file
  // No deployment_models in the file, or "discover": true: list the resource group's deployments.
  bool discover = false;
  // The last listing's RUNNING deployments by model (nullopt: none obtained yet). Kept by the
  // runtime that serves them and handed on by a reload (discovery/Discovery.hpp).
  std::optional<ModelUrls> discovered;
  // Share of new requests, relative to the other subaccounts at the same priority (uneven quotas).
  int weight = 1;
  // 0 is tried first; a larger number only when every deployment of a model at every smaller
  // number is failing or cooling (e.g. provisioned throughput at 0, pay-as-you-go at 1).
  int priority = 0;
};

// TLS 1.2 cipher suites for both sides: ECDHE key exchange and AEAD ciphers only (Mozilla's
// "intermediate" profile without DHE). TLS 1.3 suites are OpenSSL's, all of them modern.
inline constexpr const char* kDefaultTlsCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

struct ServerSettings {
  int min_threads = 8;
  int max_threads = 1280;             // each open stream holds one thread: 1,000+ streams at once
  int max_queued = 1024;              // accepted connections waiting for a thread
  int64_t max_body_bytes = 32 << 20;  // Anthropic's own request limit, the largest of the upstreams
  // What model requests in flight may hold in memory at once: bodies, the plugins' documents of
  // them, converted bodies, answers (server/RequestCost.hpp). Beyond it: 503 + Retry-After.
  int64_t max_inflight_body_bytes = int64_t(2) << 30;
  int client_timeout_s = 120;        // longest silence while a request body is read
  int header_timeout_s = 10;         // a request head must be complete this long after its first byte
  int min_body_rate_bytes_s = 1024;  // after body_grace_s, a body slower than this on average is cut (408)
  int body_grace_s = 5;
  int send_timeout_s = 60;  // a write to a client that blocks this long cuts the client (499)
  int keep_alive_timeout_s = 15;
  int max_keep_alive_requests = 10000;
  int max_in_flight = 0;      // model requests at once; 0: max_threads - 8. Beyond: 503
  int drain_timeout_s = 30;   // on SIGTERM, how long in-flight requests may finish
  std::string tls_cert_file;  // both set: the listener speaks HTTPS (PEM files)
  std::string tls_key_file;
  std::string tls_min_version = "1.2";           // "1.2" or "1.3"
  std::string tls_ciphers = kDefaultTlsCiphers;  // OpenSSL cipher list for TLS 1.2
};

struct UpstreamSettings {
  int connect_timeout_s = 10;
  int read_timeout_s = 300;  // longest silence while waiting for the first or next byte
  int token_timeout_s = 15;
  bool verify_tls = true;
  std::string ca_file;  // empty: the system CA store
  int pool_size_per_host = 128;
  int64_t max_response_bytes = 64 << 20;  // a 2xx answer (not a stream) beyond it fails over
  std::string tls_min_version = "1.2";
  std::string tls_ciphers = kDefaultTlsCiphers;
};

struct RetrySettings {
  int max_attempts = 4;            // upstream calls per client request, failovers included
  int base_delay_ms = 250;         // back-off when every candidate failed, doubled per round (+ jitter)
  int max_delay_ms = 16000;        // longest single wait (the Python proxy backs off 4-16 s)
  int deadline_s = 60;             // time budget to get a first answer, waits included
  int rate_limit_cooldown_s = 15;  // a 429 without Retry-After takes the deployment out this long
  int failure_threshold = 2;       // consecutive failures before a deployment is cooled
  int failure_cooldown_s = 5;      // first failure cooldown, doubled each time, up to:
  int max_cooldown_s = 300;
};

// How a model's requests are spread over its deployments (see routing/Affinity.hpp).
struct RoutingSettings {
  // Conversation affinity: "auto" (models the claude plugin serves, where prompt caches are per
  // deployment and the cache-read discount is 90 %), "on" (every model), "off" (round-robin only).
  std::string affinity = "auto";
  int affinity_ttl_s = 600;  // longer than Anthropic's 5-minute cache: an idle conversation is forgotten after it
  int affinity_max_entries = 100000;  // least recently used conversations are forgotten beyond it
};

struct LogSettings {
  std::string level = "info";  // trace, debug, info, warn, error
  std::string file;            // empty: stderr
  bool access_log = true;
  std::string format = "text";  // "json": one JSON object per line (log/JsonLog.hpp)
};

// GET /metrics (Prometheus text format).
struct MetricsSettings {
  bool enabled = true;
  // "auto": open when the listener is loopback, else behind an admin key; "admin_key": always
  // behind one; "none": open (a network policy guards it).
  std::string auth = "auto";
  // GET /dashboard and GET /admin/stats (docs/dashboard.md), under the same access rule; served
  // only while `enabled` (the page draws what the metrics count).
  bool dashboard = true;
};

// The usage ledger (ledger/Ledger.hpp): one SQLite row per finished model request.
struct UsageSettings {
  bool enabled = true;
  std::string file;              // absolute after loading; default: usage.db beside the config file
  int retention_days = 90;       // rows older are deleted (hourly); 0: kept forever
  int queue_size = 10000;        // rows waiting for the writer; beyond it they are dropped and counted
  int flush_interval_ms = 1000;  // a crash loses at most this long's rows
};

// Deployment discovery (discovery/Discovery.hpp), for subaccounts that discover.
struct DiscoverySettings {
  int refresh_s = 300;  // how often the deployment lists are read again
  int retry_s = 30;     // after a failed listing (or while a subaccount has none yet), sooner
  int timeout_s = 30;   // longest silence from the AI API while listing
};

// What several instances behind one load balancer share through Redis (shared/, README's
// "shared_state"). No URL: nothing is shared, every instance keeps its own state as before.
struct SharedStateSettings {
  std::string redis_url;       // redis://[:password@]host[:port][/db]; checked by shared/RedisUrl
  int poll_interval_ms = 200;  // how often peers' cooldowns are read: the staleness of this view
  int timeout_ms = 1000;       // longest wait for Redis to connect or answer (background thread)
  int lookup_timeout_ms = 50;  // the same for a request that asks Redis (conversation affinity)
  bool client_cache = true;    // conversations read once, then answered from memory until Redis says they changed
  std::string tls_ca_file;     // rediss://: a CA bundle instead of the system store
  bool operator==(const SharedStateSettings&) const = default;
};

struct PluginSettings {
  std::string dir;                   // empty: <binary dir>/plugins
  std::vector<std::string> enabled;  // empty: every plugin found
  std::vector<std::string> disabled;
  std::map<std::string, std::string> settings;   // plugin name -> settings JSON
  std::map<std::string, std::string> model_map;  // model key -> plugin name (overrides detection)
  bool allow_insecure_permissions = false;       // load plugins from files others may write (development)
};

struct Config {
  std::string path;  // the file it came from ("" for built-in)
  std::string dir;   // its folder, for relative paths
  std::vector<SubAccount> subaccounts;
  // secret_authentication_tokens (named by fingerprint), then client_keys; none: open access.
  std::vector<ClientKey> client_keys;
  std::unordered_map<std::string, size_t> client_index;  // name -> its entry in client_keys
  // Keys for the operator's routes (/metrics off loopback): the key itself or "sha256:<hex>".
  std::vector<std::string> admin_keys;
  std::string host = "127.0.0.1";
  int port = 3001;
  std::vector<std::pair<std::string, std::string>> model_aliases;  // alias -> model key
  // model key -> the models (keys or aliases) tried in order when every deployment of it failed
  // or is cooling and nothing has reached the client.
  std::map<std::string, std::vector<std::string>> model_fallbacks;
  // Where a prompt longer than the model's context window goes instead (the model said so).
  std::map<std::string, std::vector<std::string>> context_window_fallbacks;
  ServerSettings server;
  UpstreamSettings upstream;
  RetrySettings retry;
  RoutingSettings routing;
  LogSettings log;
  MetricsSettings metrics;
  UsageSettings usage;
  DiscoverySettings discovery;
  SharedStateSettings shared_state;
  PluginSettings plugins;
  std::vector<std::string> warnings;  // unknown fields etc., logged at start-up

  // Whether any subaccount discovers its deployments.
  bool discovers() const;
  // Every model key configured in any subaccount, in first-seen order.
  std::vector<std::string> model_keys() const;
  // The entry named `name`, or nullptr.
  const ClientKey* client(const std::string& name) const;
  // Every secret in the config (client keys, client secrets), for log redaction.
  std::vector<std::string> secrets() const;
};

// Parses and validates; throws ConfigError naming the field.
Config load_config_file(const std::string& path);
Config parse_config(const std::string& json_text, const std::string& base_dir, const std::string& path = "");

}  // namespace aicore::host

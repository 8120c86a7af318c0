#include "config/Config.hpp"

#include <nlohmann/json.hpp>

#include "log/JsonErrorText.hpp"
#include "shared/RedisUrl.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace aicore::host {
namespace {

using json = nlohmann::ordered_json;
namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw ConfigError(path + ": " + what); }

std::string type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::null: return "null";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    default: return "an unsupported value";
  }
}

std::string join(const std::string& base, const std::string& key) { return base.empty() ? key : base + "." + key; }

const json& need_object(const json& v, const std::string& path) {
  if (!v.is_object()) fail(path, "must be an object, got " + type_name(v));
  return v;
}

std::string get_string(const json& v, const std::string& path, bool nonempty = true) {
  if (!v.is_string()) fail(path, "must be a string, got " + type_name(v));
  std::string s = v.get<std::string>();
  if (nonempty && s.empty()) fail(path, "must not be empty");
  return s;
}

int64_t get_int(const json& v, const std::string& path, int64_t lo, int64_t hi) {
  if (!v.is_number_integer()) fail(path, "must be an integer, got " + type_name(v));
  int64_t n = v.get<int64_t>();
  if (n < lo || n > hi) fail(path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return n;
}

// v[<last part of path>], when present, into `out`: an integer within [lo, hi].
template <class T>
void read_int(const json& v, const std::string& path, T& out, int64_t lo, int64_t hi) {
  const auto it = v.find(path.substr(path.rfind('.') + 1));
  if (it != v.end()) out = static_cast<T>(get_int(*it, path, lo, hi));
}

bool get_bool(const json& v, const std::string& path) {
  if (!v.is_boolean()) fail(path, "must be true or false, got " + type_name(v));
  return v.get<bool>();
}

std::vector<std::string> get_string_list(const json& v, const std::string& path) {
  if (!v.is_array()) fail(path, "must be an array of strings, got " + type_name(v));
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(get_string(v[i], path + "[" + std::to_string(i) + "]"));
  return out;
}

// Reports keys a section does not know, as warnings: configs written for the Python proxy carry
// fields (deployment_ids, model_filters) we do not use, and must still load.
void note_unknown(const json& obj, const std::string& path, std::initializer_list<const char*> known,
                  std::vector<std::string>& warnings) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return it.key() == k; }))
      warnings.push_back(join(path, it.key()) + ": unknown field, ignored");
  }
}

bool is_url(const std::string& s) { return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0; }

// A SAP URL in clear text beyond this machine: the client secret, bearer tokens and prompts
// cross the network readable. Allowed (the emulator and test setups use it), but said loudly.
void note_plain_http(const std::string& url, const std::string& path, std::vector<std::string>& warnings) {
  if (url.rfind("http://", 0) != 0) return;
  const size_t end = url.find_first_of("/?#", 7);
  std::string host = url.substr(7, end == std::string::npos ? std::string::npos : end - 7);
  if (auto at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
  if (host.starts_with('['))
    host = host.substr(1, host.find(']') - 1);  // [::1]:port (npos - 1 keeps the rest when unclosed)
  else
    host = host.substr(0, host.find(':'));
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  if (host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0) return;
  warnings.push_back(path + ": http:// to " + host +
                     " (not this machine): the client secret, tokens and prompts cross the network unencrypted; "
                     "use https://");
}

ServiceKey parse_service_key(const json& key, const std::string& path, std::vector<std::string>& warnings) {
  need_object(key, path);
  ServiceKey k;
  auto field = [&](const char* name) -> std::string {
    if (!key.contains(name)) fail(join(path, name), "missing");
    return get_string(key.at(name), join(path, name));
  };
  k.clientid = field("clientid");
  // A certificate-based key: all three fields, and no secret needed.
  if (key.contains("certificate") || key.contains("key") || key.contains("certurl")) {
    k.certificate = field("certificate");
    k.key = field("key");
    k.certurl = field("certurl");
    if (!is_url(k.certurl)) fail(join(path, "certurl"), "must be an http(s) URL");
    while (!k.certurl.empty() && k.certurl.back() == '/') k.certurl.pop_back();
    note_plain_http(k.certurl, join(path, "certurl"), warnings);
    if (key.contains("clientsecret"))
      k.clientsecret = get_string(key.at("clientsecret"), join(path, "clientsecret"), false);
  } else {
    k.clientsecret = field("clientsecret");
  }
  k.url = field("url");
  if (!is_url(k.url)) fail(join(path, "url"), "must be an http(s) URL");
  while (!k.url.empty() && k.url.back() == '/') k.url.pop_back();
  note_plain_http(k.url, join(path, "url"), warnings);
  if (key.contains("identityzoneid") && !key.at("identityzoneid").is_null())
    k.identityzoneid = get_string(key.at("identityzoneid"), join(path, "identityzoneid"), false);
  if (!key.contains("serviceurls")) fail(join(path, "serviceurls"), "missing");
  const json& su = need_object(key.at("serviceurls"), join(path, "serviceurls"));
  if (!su.contains("AI_API_URL")) fail(join(path, "serviceurls.AI_API_URL"), "missing");
  k.ai_api_url = get_string(su.at("AI_API_URL"), join(path, "serviceurls.AI_API_URL"));
  note_plain_http(k.ai_api_url, join(path, "serviceurls.AI_API_URL"), warnings);
  k.json = key.dump();
  return k;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Configs nest a few levels, but the service key and each plugin's settings are serialised again
// (dump() recurses), on the thread of a SIGHUP reload too: deeper nesting is refused up front.
constexpr int kMaxConfigDepth = 64;

bool nested_deeper_than(const std::string& text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if ((c == '{' || c == '[') && ++depth > limit) {
      return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

json parse_json(const std::string& text, const std::string& path) {
  if (nested_deeper_than(text, kMaxConfigDepth))
    fail(path, "invalid JSON: nested deeper than " + std::to_string(kMaxConfigDepth) + " levels");
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    // nlohmann's message carries line and column, which is what a user needs. Not only
    // parse_error: a number beyond a double ("port": 1e999) is an out_of_range. Without the
    // input it quotes: that can be a secret (log/JsonErrorText.hpp).
    fail(path, "invalid JSON: " + json_error_text(e));
  }
}

// subAccounts.<name>.deployment_models: {"<model>": ["<URL>", ...] or "<URL>"}.
ModelUrls parse_deployment_models(const json& v, const std::string& dm_path, std::vector<std::string>& warnings) {
  const json& dm = need_object(v, dm_path);
  ModelUrls out;
  for (auto it = dm.begin(); it != dm.end(); ++it) {
    const std::string mp = join(dm_path, it.key());
    if (it.key().empty()) fail(dm_path, "model names must not be empty");
    // The Python proxy accepts a single URL string as well as a list.
    std::vector<std::string> urls =
        it.value().is_string() ? std::vector<std::string>{get_string(it.value(), mp)} : get_string_list(it.value(), mp);
    if (urls.empty()) fail(mp, "must list at least one deployment URL");
    for (size_t i = 0; i < urls.size(); ++i) {
      if (!is_url(urls[i]))
        fail(mp + "[" + std::to_string(i) + "]", "must be an http(s) deployment URL, got '" + urls[i] + "'");
      while (urls[i].size() > 8 && urls[i].back() == '/') urls[i].pop_back();
      note_plain_http(urls[i], mp + "[" + std::to_string(i) + "]", warnings);
    }
    out.emplace_back(it.key(), std::move(urls));
  }
  return out;
}

SubAccount parse_subaccount(const std::string& name, const json& v, const std::string& path,
                            const std::string& base_dir, std::vector<std::string>& warnings) {
  need_object(v, path);
  note_unknown(
      v, path,
      {"resource_group", "service_key_json", "service_key", "deployment_models", "discover", "weight", "priority"},
      warnings);
  SubAccount s;
  s.name = name;
  if (v.contains("resource_group")) s.resource_group = get_string(v.at("resource_group"), join(path, "resource_group"));
  read_int(v, join(path, "weight"), s.weight, 1, 1000);
  read_int(v, join(path, "priority"), s.priority, 0, 100);

  if (v.contains("service_key")) {
    s.key = parse_service_key(v.at("service_key"), join(path, "service_key"), warnings);
  } else if (v.contains("service_key_json")) {
    std::string rel = get_string(v.at("service_key_json"), join(path, "service_key_json"));
    fs::path p = fs::path(rel).is_absolute() ? fs::path(rel) : fs::path(base_dir) / rel;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) fail(join(path, "service_key_json"), "file not found: " + rel);
    json key = parse_json(read_file(p), join(path, "service_key_json") + " (" + rel + ")");
    s.key = parse_service_key(key, join(path, "service_key_json") + " (" + rel + ")", warnings);
  } else {
    fail(join(path, "service_key_json"), "missing (give service_key_json or an inline service_key)");
  }

  // Without deployment_models the subaccount's deployments are discovered (discovery/), so a
  // config can name just its service keys; "discover": true discovers beside explicit entries.
  if (v.contains("discover")) s.discover = get_bool(v.at("discover"), join(path, "discover"));
  if (v.contains("deployment_models"))
    s.configured_models = parse_deployment_models(v.at("deployment_models"), join(path, "deployment_models"), warnings);
  else if (v.contains("discover") && !s.discover)
    fail(join(path, "deployment_models"), "missing (give deployment_models, or leave out \"discover\": false)");
  else
    s.discover = true;
  s.deployment_models = s.configured_models;
  return s;
}

// The oldest TLS version accepted: 1.2 or 1.3 (1.0 and 1.1 are broken and not offered).
std::string get_tls_version(const json& v, const std::string& path) {
  std::string s = get_string(v, path);
  if (s != "1.2" && s != "1.3") fail(path, "must be \"1.2\" or \"1.3\", got '" + s + "'");
  return s;
}

// An OpenSSL cipher list; whether OpenSSL knows the ciphers is checked when the TLS context is
// made (host/tls), under the same field name.
std::string get_cipher_list(const json& v, const std::string& path) {
  std::string s = get_string(v, path);
  if (s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:+-!@=_.,") !=
      std::string::npos)
    fail(path, "must be an OpenSSL cipher list (letters, digits and : + - ! @ = _ . ,)");
  return s;
}

// tls_min_version and tls_ciphers, read the same way for the client side (server.*) and the
// upstream side (upstream.*).
void read_tls_policy(const json& v, const std::string& section, std::string& min_version, std::string& ciphers) {
  if (v.contains("tls_min_version")) min_version = get_tls_version(v["tls_min_version"], section + ".tls_min_version");
  if (v.contains("tls_ciphers")) ciphers = get_cipher_list(v["tls_ciphers"], section + ".tls_ciphers");
}

std::string existing_file(const json& v, const std::string& path, const std::string& base_dir) {
  std::string rel = get_string(v, path);
  fs::path p = fs::path(rel).is_absolute() ? fs::path(rel) : fs::path(base_dir) / rel;
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) fail(path, "file not found: " + rel);
  return p.string();
}

void parse_server(const json& v, ServerSettings& s, const std::string& base_dir, std::vector<std::string>& warnings) {
  const std::string p = "server";
  need_object(v, p);
  note_unknown(v, p,
               {"min_threads", "max_threads", "max_queued", "max_body_bytes", "max_inflight_body_bytes",
                "client_timeout_s", "keep_alive_timeout_s", "max_keep_alive_requests", "max_in_flight",
                "drain_timeout_s", "tls_cert_file", "tls_key_file", "header_timeout_s", "min_body_rate_bytes_s",
                "body_grace_s", "send_timeout_s", "tls_min_version", "tls_ciphers"},
               warnings);
  read_int(v, "server.min_threads", s.min_threads, 1, 100000);
  read_int(v, "server.max_threads", s.max_threads, 1, 100000);
  read_int(v, "server.max_queued", s.max_queued, 1, 1000000);
  read_int(v, "server.max_body_bytes", s.max_body_bytes, 1024, int64_t(1) << 34);
  read_int(v, "server.max_inflight_body_bytes", s.max_inflight_body_bytes, 1 << 20, int64_t(1) << 40);
  if (s.max_inflight_body_bytes < s.max_body_bytes)
    fail("server.max_inflight_body_bytes", "must be at least server.max_body_bytes (" +
                                               std::to_string(s.max_body_bytes) +
                                               "), or a body of that size could never be read");
  read_int(v, "server.client_timeout_s", s.client_timeout_s, 1, 86400);
  read_int(v, "server.header_timeout_s", s.header_timeout_s, 1, 3600);
  read_int(v, "server.min_body_rate_bytes_s", s.min_body_rate_bytes_s, 0, 1 << 30);
  read_int(v, "server.body_grace_s", s.body_grace_s, 0, 3600);
  read_int(v, "server.send_timeout_s", s.send_timeout_s, 1, 86400);
  read_int(v, "server.keep_alive_timeout_s", s.keep_alive_timeout_s, 1, 86400);
  read_int(v, "server.max_keep_alive_requests", s.max_keep_alive_requests, 1, 100000000);
  read_int(v, "server.max_in_flight", s.max_in_flight, 1, 100000);
  read_int(v, "server.drain_timeout_s", s.drain_timeout_s, 0, 86400);
  if (s.min_threads > s.max_threads) fail("server.min_threads", "must not exceed server.max_threads");
  if (s.max_in_flight > s.max_threads) fail("server.max_in_flight", "must not exceed server.max_threads");
  if (v.contains("tls_cert_file"))
    s.tls_cert_file = existing_file(v["tls_cert_file"], "server.tls_cert_file", base_dir);
  if (v.contains("tls_key_file")) s.tls_key_file = existing_file(v["tls_key_file"], "server.tls_key_file", base_dir);
  if (s.tls_cert_file.empty() != s.tls_key_file.empty())
    fail(s.tls_cert_file.empty() ? "server.tls_cert_file" : "server.tls_key_file",
         "TLS needs both a certificate and a key");
  read_tls_policy(v, "server", s.tls_min_version, s.tls_ciphers);
}

void parse_upstream(const json& v, UpstreamSettings& u, const std::string& base_dir,
                    std::vector<std::string>& warnings) {
  need_object(v, "upstream");
  note_unknown(v, "upstream",
               {"connect_timeout_s", "read_timeout_s", "token_timeout_s", "verify_tls", "ca_file", "pool_size_per_host",
                "max_response_bytes", "tls_min_version", "tls_ciphers"},
               warnings);
  read_int(v, "upstream.connect_timeout_s", u.connect_timeout_s, 1, 3600);
  read_int(v, "upstream.read_timeout_s", u.read_timeout_s, 1, 86400);
  read_int(v, "upstream.token_timeout_s", u.token_timeout_s, 1, 3600);
  if (v.contains("verify_tls")) u.verify_tls = get_bool(v["verify_tls"], "upstream.verify_tls");
  read_int(v, "upstream.pool_size_per_host", u.pool_size_per_host, 0, 100000);
  if (v.contains("ca_file")) u.ca_file = existing_file(v["ca_file"], "upstream.ca_file", base_dir);
  read_int(v, "upstream.max_response_bytes", u.max_response_bytes, 65536, int64_t(1) << 34);
  read_tls_policy(v, "upstream", u.tls_min_version, u.tls_ciphers);
}

void parse_retry(const json& v, RetrySettings& r, std::vector<std::string>& warnings) {
  need_object(v, "retry");
  note_unknown(v, "retry",
               {"max_attempts", "base_delay_ms", "max_delay_ms", "deadline_s", "rate_limit_cooldown_s",
                "failure_threshold", "failure_cooldown_s", "max_cooldown_s"},
               warnings);
  read_int(v, "retry.max_attempts", r.max_attempts, 1, 100);
  read_int(v, "retry.base_delay_ms", r.base_delay_ms, 0, 600000);
  read_int(v, "retry.max_delay_ms", r.max_delay_ms, 0, 600000);
  read_int(v, "retry.deadline_s", r.deadline_s, 1, 86400);
  read_int(v, "retry.rate_limit_cooldown_s", r.rate_limit_cooldown_s, 1, 86400);
  read_int(v, "retry.failure_threshold", r.failure_threshold, 1, 1000);
  read_int(v, "retry.failure_cooldown_s", r.failure_cooldown_s, 1, 86400);
  read_int(v, "retry.max_cooldown_s", r.max_cooldown_s, 1, 86400);
}

void parse_routing(const json& v, RoutingSettings& r, std::vector<std::string>& warnings) {
  need_object(v, "routing");
  note_unknown(v, "routing", {"affinity", "affinity_ttl_s", "affinity_max_entries"}, warnings);
  if (v.contains("affinity")) {
    // true/false read as "on"/"off": the obvious spelling of a switch.
    const json& a = v["affinity"];
    r.affinity = a.is_boolean() ? (a.get<bool>() ? "on" : "off") : get_string(a, "routing.affinity");
    if (r.affinity != "auto" && r.affinity != "on" && r.affinity != "off")
      fail("routing.affinity", "must be \"auto\", \"on\" or \"off\"");
  }
  read_int(v, "routing.affinity_ttl_s", r.affinity_ttl_s, 1, 86400);
  read_int(v, "routing.affinity_max_entries", r.affinity_max_entries, 1, 10000000);
}

void parse_log(const json& v, LogSettings& l, const std::string& base_dir, std::vector<std::string>& warnings) {
  need_object(v, "log");
  note_unknown(v, "log", {"level", "file", "access_log", "format"}, warnings);
  if (v.contains("level")) {
    l.level = get_string(v["level"], "log.level");
    static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
    if (!levels.count(l.level)) fail("log.level", "must be one of trace, debug, info, warn, error, off");
  }
  if (v.contains("file")) {
    std::string f = get_string(v["file"], "log.file");
    l.file = fs::path(f).is_absolute() ? f : (fs::path(base_dir) / f).string();
  }
  if (v.contains("access_log")) l.access_log = get_bool(v["access_log"], "log.access_log");
  if (v.contains("format")) {
    l.format = get_string(v["format"], "log.format");
    if (l.format != "text" && l.format != "json") fail("log.format", "must be \"text\" or \"json\"");
  }
}

void parse_metrics(const json& v, MetricsSettings& m, std::vector<std::string>& warnings) {
  need_object(v, "metrics");
  note_unknown(v, "metrics", {"enabled", "auth", "dashboard"}, warnings);
  if (v.contains("enabled")) m.enabled = get_bool(v["enabled"], "metrics.enabled");
  if (v.contains("dashboard")) m.dashboard = get_bool(v["dashboard"], "metrics.dashboard");
  if (v.contains("auth")) {
    m.auth = get_string(v["auth"], "metrics.auth");
    if (m.auth != "auto" && m.auth != "admin_key" && m.auth != "none")
      fail("metrics.auth", "must be \"auto\", \"admin_key\" or \"none\"");
  }
}

void parse_usage(const json& v, UsageSettings& u, std::vector<std::string>& warnings) {
  need_object(v, "usage");
  note_unknown(v, "usage", {"enabled", "file", "retention_days", "queue_size", "flush_interval_ms"}, warnings);
  if (v.contains("enabled")) u.enabled = get_bool(v["enabled"], "usage.enabled");
  if (v.contains("file")) u.file = get_string(v["file"], "usage.file");
  read_int(v, "usage.retention_days", u.retention_days, 0, 100000);
  read_int(v, "usage.queue_size", u.queue_size, 1, 10000000);
  read_int(v, "usage.flush_interval_ms", u.flush_interval_ms, 10, 60000);
}

void parse_discovery(const json& v, DiscoverySettings& d, std::vector<std::string>& warnings) {
  need_object(v, "discovery");
  note_unknown(v, "discovery", {"refresh_s", "retry_s", "timeout_s"}, warnings);
  read_int(v, "discovery.refresh_s", d.refresh_s, 1, 86400);
  read_int(v, "discovery.retry_s", d.retry_s, 1, 86400);
  read_int(v, "discovery.timeout_s", d.timeout_s, 1, 3600);
}

void parse_shared_state(const json& v, SharedStateSettings& st, std::vector<std::string>& warnings,
                        const std::string& base_dir) {
  need_object(v, "shared_state");
  note_unknown(v, "shared_state",
               {"redis_url", "poll_interval_ms", "timeout_ms", "lookup_timeout_ms", "client_cache", "tls_ca_file"},
               warnings);
  if (v.contains("redis_url")) {
    st.redis_url = get_string(v["redis_url"], "shared_state.redis_url");
    try {
      shared::parse_redis_url(st.redis_url);  // shared/ parses it again when it connects
    } catch (const std::invalid_argument& e) {
      fail("shared_state.redis_url", e.what());  // the message never holds the password
    }
  }
  read_int(v, "shared_state.poll_interval_ms", st.poll_interval_ms, 10, 10000);
  read_int(v, "shared_state.timeout_ms", st.timeout_ms, 10, 60000);
  read_int(v, "shared_state.lookup_timeout_ms", st.lookup_timeout_ms, 1, 10000);
  if (v.contains("client_cache")) st.client_cache = get_bool(v["client_cache"], "shared_state.client_cache");
  if (v.contains("tls_ca_file")) st.tls_ca_file = existing_file(v["tls_ca_file"], "shared_state.tls_ca_file", base_dir);
}

// An admin key as written: the key, or "sha256:" and the 64 hex digits of its SHA-256.
void check_admin_key(const std::string& k, const std::string& path) {
  if (!k.starts_with("sha256:")) {
    if (k.size() < 16) fail(path, "must be at least 16 characters (or sha256:<hex>)");
    return;
  }
  const std::string hex = k.substr(7);
  if (hex.size() != 64 || !std::all_of(hex.begin(), hex.end(), [](unsigned char c) { return std::isxdigit(c); }))
    fail(path, "sha256: must be followed by the 64 hex digits of the key's SHA-256");
}

// client_keys[i].limits: {"requests_per_minute", "tokens_per_minute", "tokens_per_day", "tokens_per_month"}.
void parse_limits(const json& v, const std::string& path, KeyLimits& l, std::vector<std::string>& warnings) {
  need_object(v, path);
  note_unknown(v, path, {"requests_per_minute", "tokens_per_minute", "tokens_per_day", "tokens_per_month"}, warnings);
  read_int(v, path + ".requests_per_minute", l.requests_per_minute, 0, 1000000);
  read_int(v, path + ".tokens_per_minute", l.tokens_per_minute, 0, int64_t(1) << 40);
  read_int(v, path + ".tokens_per_day", l.tokens_per_day, 0, int64_t(1) << 40);
  read_int(v, path + ".tokens_per_month", l.tokens_per_month, 0, int64_t(1) << 40);
}

// client_keys: [{"name", "key" (the key or "sha256:<hex>"), "models", "enabled", "limits"}].
void parse_client_keys(const json& v, std::vector<ClientKey>& out, std::vector<std::string>& warnings) {
  if (!v.is_array()) fail("client_keys", "must be an array of objects, got " + type_name(v));
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string path = "client_keys[" + std::to_string(i) + "]";
    need_object(v[i], path);
    note_unknown(v[i], path, {"name", "key", "models", "enabled", "limits"}, warnings);
    ClientKey k;
    if (!v[i].contains("name")) fail(path + ".name", "missing");
    k.name = get_string(v[i]["name"], path + ".name");
    if (!valid_key_name(k.name)) fail(path + ".name", "must be 1 to 64 letters, digits or - _ . @ +");
    if (!v[i].contains("key")) fail(path + ".key", "missing (the key, or sha256:<hex> of it)");
    const std::string key = get_string(v[i]["key"], path + ".key");
    if (key.starts_with("sha256:")) {
      check_admin_key(key, path + ".key");
      k.sha256 = key.substr(7);
      std::transform(k.sha256.begin(), k.sha256.end(), k.sha256.begin(),
                     [](unsigned char c) { return std::tolower(c); });
    } else {
      if (key.size() < 16) fail(path + ".key", "must be at least 16 characters (or sha256:<hex>)");
      k.key = key;
      k.sha256 = sha256_hex(key);
    }
    if (v[i].contains("models")) {
      k.models = get_string_list(v[i]["models"], path + ".models");
      if (k.models.empty()) fail(path + ".models", "must name at least one model (leave it out for every model)");
    }
    if (v[i].contains("enabled")) k.enabled = get_bool(v[i]["enabled"], path + ".enabled");
    if (v[i].contains("limits")) parse_limits(v[i]["limits"], path + ".limits", k.limits, warnings);
    out.push_back(std::move(k));
  }
}

void parse_plugins(const json& v, PluginSettings& p, const std::string& base_dir, std::vector<std::string>& warnings) {
  need_object(v, "plugins");
  note_unknown(v, "plugins", {"dir", "enabled", "disabled", "settings", "models", "allow_insecure_permissions"},
               warnings);
  if (v.contains("dir")) {
    std::string d = get_string(v["dir"], "plugins.dir");
    p.dir = fs::path(d).is_absolute() ? d : (fs::path(base_dir) / d).string();
  }
  if (v.contains("allow_insecure_permissions"))
    p.allow_insecure_permissions = get_bool(v["allow_insecure_permissions"], "plugins.allow_insecure_permissions");
  if (v.contains("enabled")) p.enabled = get_string_list(v["enabled"], "plugins.enabled");
  if (v.contains("disabled")) p.disabled = get_string_list(v["disabled"], "plugins.disabled");
  if (v.contains("settings")) {
    const json& s = need_object(v["settings"], "plugins.settings");
    for (auto it = s.begin(); it != s.end(); ++it) {
      need_object(it.value(), "plugins.settings." + it.key());
      p.settings[it.key()] = it.value().dump();
    }
  }
  if (v.contains("models")) {
    const json& m = need_object(v["models"], "plugins.models");
    for (auto it = m.begin(); it != m.end(); ++it)
      p.model_map[it.key()] = get_string(it.value(), "plugins.models." + it.key());
  }
}

// After model_aliases: each entry's model must be a configured key, each fallback a key or alias
// (any name when a subaccount discovers: its models are known only at run time).
void parse_fallbacks(const json& v, const std::string& name, const std::vector<std::string>& keys, Config& c,
                     std::map<std::string, std::vector<std::string>>& out) {
  const json& f = need_object(v, name);
  const bool open = c.discovers();
  auto known = [&](const std::string& m) {
    return open || std::find(keys.begin(), keys.end(), m) != keys.end() ||
           std::any_of(c.model_aliases.begin(), c.model_aliases.end(), [&](const auto& a) { return a.first == m; });
  };
  for (auto it = f.begin(); it != f.end(); ++it) {
    const std::string p = name + "." + it.key();
    if (!open && std::find(keys.begin(), keys.end(), it.key()) == keys.end())
      fail(p, "'" + it.key() + "' is not a model key any subaccount deploys");
    std::vector<std::string> list = get_string_list(it.value(), p);
    for (size_t i = 0; i < list.size(); ++i) {
      if (!known(list[i]))
        fail(p + "[" + std::to_string(i) + "]", "refers to '" + list[i] + "', which no subaccount deploys");
      if (list[i] == it.key()) fail(p + "[" + std::to_string(i) + "]", "a model cannot fall back to itself");
    }
    out[it.key()] = std::move(list);
  }
}

}  // namespace

bool Config::discovers() const {
  return std::any_of(subaccounts.begin(), subaccounts.end(), [](const SubAccount& s) { return s.discover; });
}

std::vector<std::string> Config::model_keys() const {
  std::vector<std::string> keys;
  for (const auto& s : subaccounts)
    for (const auto& [model, urls] : s.deployment_models)
      if (std::find(keys.begin(), keys.end(), model) == keys.end()) keys.push_back(model);
  return keys;
}

const ClientKey* Config::client(const std::string& name) const {
  const auto it = client_index.find(name);
  return it == client_index.end() ? nullptr : &client_keys[it->second];
}

std::vector<std::string> Config::secrets() const {
  std::vector<std::string> out;
  for (const auto& k : client_keys)
    if (!k.key.empty()) out.push_back(k.key);
  for (const auto& k : admin_keys)
    if (!k.starts_with("sha256:")) out.push_back(k);
  for (const auto& s : subaccounts) {
    if (!s.key.clientsecret.empty()) out.push_back(s.key.clientsecret);
    if (!s.key.key.empty()) out.push_back(s.key.key);
  }
  if (!shared_state.redis_url.empty()) {
    try {
      const auto u = shared::parse_redis_url(shared_state.redis_url);
      if (!u.password.empty()) out.push_back(u.password);
    } catch (const std::invalid_argument&) {
      out.push_back(shared_state.redis_url);  // not parsed: the whole URL may hold the password
    }
  }
  return out;
}

Config parse_config(const std::string& text, const std::string& base_dir, const std::string& path) {
  json root = parse_json(text, path.empty() ? "config" : path);
  if (!root.is_object()) fail(path.empty() ? "config" : path, "must be a JSON object, got " + type_name(root));
  Config c;
  c.path = path;
  c.dir = base_dir;
  note_unknown(root, "",
               {"subAccounts", "secret_authentication_tokens", "port", "host", "plugins", "model_aliases", "server",
                "upstream", "retry", "routing", "log", "model_fallbacks", "context_window_fallbacks", "admin_keys",
                "metrics", "client_keys", "usage", "discovery", "shared_state"},
               c.warnings);

  if (!root.contains("subAccounts")) fail("subAccounts", "missing (at least one subaccount is needed)");
  const json& subs = need_object(root["subAccounts"], "subAccounts");
  if (subs.empty()) fail("subAccounts", "must contain at least one subaccount");
  for (auto it = subs.begin(); it != subs.end(); ++it)
    c.subaccounts.push_back(parse_subaccount(it.key(), it.value(), "subAccounts." + it.key(), base_dir, c.warnings));

  if (root.contains("secret_authentication_tokens"))
    for (auto& key : get_string_list(root["secret_authentication_tokens"], "secret_authentication_tokens")) {
      ClientKey k;
      k.sha256 = sha256_hex(key);
      k.name = fingerprint_name(k.sha256);
      k.key = std::move(key);
      c.client_keys.push_back(std::move(k));
    }
  if (root.contains("client_keys")) parse_client_keys(root["client_keys"], c.client_keys, c.warnings);
  for (size_t i = 0; i < c.client_keys.size(); ++i) {
    const ClientKey& k = c.client_keys[i];
    for (size_t j = 0; j < i; ++j) {
      if (c.client_keys[j].sha256 == k.sha256)
        fail(k.name, "the same key as " + c.client_keys[j].name + " (every key must be different)");
      if (c.client_keys[j].name == k.name) fail(k.name, "two client keys have this name");
    }
    c.client_index.emplace(k.name, i);
  }
  if (root.contains("admin_keys")) {
    c.admin_keys = get_string_list(root["admin_keys"], "admin_keys");
    for (size_t i = 0; i < c.admin_keys.size(); ++i)
      check_admin_key(c.admin_keys[i], "admin_keys[" + std::to_string(i) + "]");
  }
  if (root.contains("port")) c.port = (int)get_int(root["port"], "port", 0, 65535);
  if (root.contains("host")) c.host = get_string(root["host"], "host");

  auto keys = c.model_keys();
  if (root.contains("model_aliases")) {
    const json& a = need_object(root["model_aliases"], "model_aliases");
    for (auto it = a.begin(); it != a.end(); ++it) {
      std::string target = get_string(it.value(), "model_aliases." + it.key());
      if (!c.discovers() && std::find(keys.begin(), keys.end(), target) == keys.end())
        fail("model_aliases." + it.key(), "refers to '" + target + "', which no subaccount deploys");
      c.model_aliases.emplace_back(it.key(), target);
    }
  }
  if (root.contains("model_fallbacks"))
    parse_fallbacks(root["model_fallbacks"], "model_fallbacks", keys, c, c.model_fallbacks);
  if (root.contains("context_window_fallbacks"))
    parse_fallbacks(root["context_window_fallbacks"], "context_window_fallbacks", keys, c, c.context_window_fallbacks);
  if (root.contains("server")) parse_server(root["server"], c.server, base_dir, c.warnings);
  if (root.contains("upstream")) parse_upstream(root["upstream"], c.upstream, base_dir, c.warnings);
  if (root.contains("retry")) parse_retry(root["retry"], c.retry, c.warnings);
  if (root.contains("routing")) parse_routing(root["routing"], c.routing, c.warnings);
  if (root.contains("log")) parse_log(root["log"], c.log, base_dir, c.warnings);
  if (root.contains("metrics")) parse_metrics(root["metrics"], c.metrics, c.warnings);
  if (root.contains("usage")) parse_usage(root["usage"], c.usage, c.warnings);
  if (root.contains("discovery")) parse_discovery(root["discovery"], c.discovery, c.warnings);
  if (root.contains("shared_state")) parse_shared_state(root["shared_state"], c.shared_state, c.warnings, base_dir);
  // Relative to the config file's folder, like every other path in it.
  if (c.usage.file.empty()) c.usage.file = "usage.db";
  if (!fs::path(c.usage.file).is_absolute()) c.usage.file = (fs::path(base_dir) / c.usage.file).string();
  if (root.contains("plugins")) parse_plugins(root["plugins"], c.plugins, base_dir, c.warnings);
  return c;
}

Config load_config_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw ConfigError(path + ": config file not found");
  std::string dir = fs::absolute(fs::path(path), ec).parent_path().string();
  return parse_config(read_file(path), dir, path);
}

}  // namespace aicore::host

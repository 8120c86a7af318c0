#include "cli/Options.hpp"

namespace aicore::host {

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::optional<std::string> inline_value;
    if (a.rfind("--", 0) == 0) {
      if (auto eq = a.find('='); eq != std::string::npos) {
        inline_value = a.substr(eq + 1);
        a.resize(eq);
      }
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
      return args[++i];
    };
    auto flag = [&]() {
      if (inline_value) throw UsageError(a + " takes no value");
    };
    if (a == "--config" || a == "-c")
      o.config = value();
    else if (a == "--plugin-dir")
      o.plugin_dir = value();
    else if (a == "--host")
      o.host = value();
    else if (a == "--port" || a == "-p") {
      std::string v = value();
      if (v.empty() || v.size() > 5 || v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) > 65535)
        throw UsageError("--port must be a number between 0 and 65535, got '" + v + "'");
      o.port = std::stoi(v);
    } else if (a == "--debug" || a == "-d") {
      flag();
      o.debug = true;
    } else if (a == "--check-config") {
      flag();
      o.check_config = true;
    } else if (a == "--list-plugins") {
      flag();
      o.list_plugins = true;
    } else if (a == "--version" || a == "-V") {
      flag();
      o.version = true;
    } else if (a == "--help" || a == "-h") {
      flag();
      o.help = true;
    } else
      throw UsageError("unknown argument '" + args[i] + "' (see --help)");
  }
  return o;
}

std::string usage_text() {
  return R"(aicore-proxy: one OpenAI- and Anthropic-compatible endpoint for the models deployed on SAP AI Core.

Usage: aicore-proxy --config FILE [options]

  -c, --config FILE     configuration (the Python SAP AI Core proxy's config.json works as is)
  -p, --port N          listen on port N (overrides the config; default 3001)
      --host H          listen on address H (overrides the config; default 127.0.0.1)
      --plugin-dir DIR  load plugins from DIR (default: <binary dir>/plugins)
  -d, --debug           debug logging, including request bodies with secrets redacted
      --check-config    validate the configuration and the plugins, then exit (0 = valid)
      --list-plugins    list the plugins found, their versions and interfaces, then exit
  -V, --version         print the version and exit
  -h, --help            print this help and exit

       aicore-proxy keys new --name NAME [--models MODEL,PATTERN*,...]
                        print a fresh client key once, and its client_keys entry (SHA-256 only)
       aicore-proxy usage --config FILE [--since 7d] [--until TIME] [--by key,model,...]
                          [--format table|csv|json]
                        requests and tokens from the usage ledger, grouped by key, model, client_model,
                        dialect, plugin, subaccount, deployment, status, day or hour
       aicore-proxy configure claude-code|codex|gemini-cli|cline|opencode --config FILE [--model M]
                              [--key KEY] [--write]
                        a client's settings for this proxy (base URL, key, models); --write puts them
                        into the client's settings file under $HOME after showing the diff
       aicore-proxy init --service-key KEY.json [--service-key KEY2.json ...] [--out config.json]
                         [--port 3001] [--force]
                        a config that discovers each key's deployments, with a fresh client key
                        (printed once)
       aicore-proxy deployments --config FILE [--plugin-dir DIR]
                        each subaccount's deployments (model, id, status, URL) as SAP AI Core lists
                        them, and whether the config names them, discovery found them, or both

Exit status: 0 success, 2 configuration or usage error, 1 other failure.
)";
}

}  // namespace aicore::host

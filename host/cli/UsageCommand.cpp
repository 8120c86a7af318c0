#include "cli/UsageCommand.hpp"

#include <filesystem>
#include <ostream>

#include "cli/NamedArgs.hpp"
#include "config/Config.hpp"
#include "ledger/UsageReport.hpp"

namespace aicore::host {
namespace {

constexpr int kUsageError = 2;
constexpr const char* kUsage =
    "usage: aicore-proxy usage --config FILE [--since 7d|2026-12-01|...] [--until TIME] [--by key,model,...]\n"
    "                          [--format table|csv|json]\n";

}  // namespace

int usage_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> a;
  try {
    a = named_args(args, 0, {"--config", "--since", "--until", "--by", "--format"});
  } catch (const NamedArgsError& e) {
    err << "aicore-proxy usage: " << e.what() << "\n" << kUsage;
    return kUsageError;
  }
  const std::string format = a.count("--format") ? a["--format"] : "table";
  if (!a.count("--config") || (format != "table" && format != "csv" && format != "json")) {
    err << "aicore-proxy usage: "
        << (a.count("--config") ? "--format must be table, csv or json" : "--config is required") << "\n"
        << kUsage;
    return kUsageError;
  }
  Config config;
  try {
    config = load_config_file(a["--config"]);
  } catch (const ConfigError& e) {
    err << "aicore-proxy: config error: " << e.what() << "\n";
    return kUsageError;  // the same status as the server's config errors
  }
  const std::string& file = config.usage.file;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    err << "aicore-proxy usage: no usage recorded yet: " << file << " does not exist"
        << (config.usage.enabled ? "" : " (usage.enabled is false in this config)") << "\n";
    return 1;
  }
  try {
    const int64_t now = unix_ms_now();
    const UsageQuery q = parse_usage_query(a["--since"], a["--until"], a["--by"], now);
    const LedgerDb db(file, LedgerDb::Mode::ReadOnly);
    const auto groups = run_usage_query(db, q);
    out << (format == "json" ? usage_json(q, groups) : format == "csv" ? usage_csv(q, groups) : usage_table(q, groups));
    return 0;
  } catch (const UsageQueryError& e) {
    err << "aicore-proxy usage: " << e.what() << "\n";
    return kUsageError;
  } catch (const LedgerError& e) {
    err << "aicore-proxy usage: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace aicore::host

#include "cli/UsageCommand.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <set>

#include "cli/NamedArgs.hpp"
#include "config/Config.hpp"
#include "ledger/UsageReport.hpp"

namespace aicore::host {
namespace {

constexpr int kUsageError = 2;
constexpr const char* kUsage =
    "usage: aicore-proxy usage --config FILE [--since 7d|2026-12-01|...] [--until TIME] [--by key,model,...]\n"
    "                          [--format table|csv|json] [--files A.db,B.db,DIR,...]\n";

// --files: the ledgers of several instances (files, or folders whose *.db files are read), each
// once however it is named; without it, the config's usage.file.
std::vector<std::string> ledger_files(const std::string& list) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::set<fs::path> seen;
  const auto add = [&](const fs::path& p) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(p, ec);
    if (seen.insert(ec ? p : canonical).second) files.push_back(p.string());
  };
  for (const std::string& item : split_list(list)) {
    std::error_code ec;
    if (!fs::is_directory(item, ec)) {
      add(item);
      continue;
    }
    std::vector<fs::path> in_dir;
    for (const auto& e : fs::directory_iterator(item, ec))
      if (e.path().extension() == ".db") in_dir.push_back(e.path());
    std::sort(in_dir.begin(), in_dir.end());
    for (const auto& p : in_dir) add(p);
  }
  return files;
}

}  // namespace

int usage_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> a;
  try {
    a = named_args(args, 0, {"--config", "--since", "--until", "--by", "--format", "--files"});
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
  const std::vector<std::string> files =
      a.count("--files") ? ledger_files(a["--files"]) : std::vector{config.usage.file};
  if (files.empty()) {
    err << "aicore-proxy usage: --files names no ledger (a folder holds no *.db file)\n";
    return kUsageError;
  }
  for (const auto& file : files) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
      err << "aicore-proxy usage: no usage recorded yet: " << file << " does not exist"
          << (a.count("--files") || config.usage.enabled ? "" : " (usage.enabled is false in this config)") << "\n";
      return 1;
    }
  }
  try {
    const int64_t now = unix_ms_now();
    const UsageQuery q = parse_usage_query(a["--since"], a["--until"], a["--by"], now);
    std::vector<std::vector<UsageGroup>> reports;
    for (const auto& file : files) reports.push_back(run_usage_query(LedgerDb(file, LedgerDb::Mode::ReadOnly), q));
    const auto groups = reports.size() == 1 ? std::move(reports.front()) : merge_usage(reports);
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

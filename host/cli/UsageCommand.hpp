// `aicore-proxy usage --config c.json [--since 7d] [--until T] [--by key,model] [--format
// table|csv|json]`: the usage ledger's report, read from the file the config names (while the
// proxy runs, too: the ledger is a WAL database).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace aicore::host {

// args: what follows "usage". Returns the exit status (0; 1: no ledger or a read error;
// 2: a usage or config error).
int usage_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace aicore::host

// `aicore-proxy init --service-key KEY.json [--service-key KEY2.json …] [--out config.json]
// [--port 3001] [--force]`: a working config from SAP AI Core service keys alone. Each key becomes
// a subaccount that discovers its deployments (no deployment_models to copy from AI Launchpad),
// and one fresh client key is made: printed once, kept in the file only as its SHA-256.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace aicore::host {

// args: what follows "init". Returns the exit status (2: usage or key error, 1: cannot write).
int init_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace aicore::host

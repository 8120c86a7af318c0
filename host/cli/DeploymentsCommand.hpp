// `aicore-proxy deployments --config c.json [--plugin-dir DIR]`: what each subaccount's resource
// group has deployed (model, id, status, URL) and whether the proxy has it from deployment_models,
// from discovery, or both — the first thing to run when a model answers 404 or a URL looks stale.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace aicore::host {

// args: what follows "deployments". Returns the exit status (0; 1: a subaccount could not be
// listed; 2: a usage or config error).
int deployments_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace aicore::host

// The subcommands' arguments: "--name value" or "--name=value", each name at most once from a
// known set (keys new, usage).
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace aicore::host {

struct NamedArgsError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// args[from..] as name -> value; throws NamedArgsError naming what is wrong.
std::map<std::string, std::string> named_args(const std::vector<std::string>& args, size_t from,
                                              const std::set<std::string>& known);

// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> split_list(const std::string& s);

}  // namespace aicore::host

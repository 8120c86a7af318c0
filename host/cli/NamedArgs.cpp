#include "cli/NamedArgs.hpp"

namespace aicore::host {

std::map<std::string, std::string> named_args(const std::vector<std::string>& args, size_t from,
                                              const std::set<std::string>& known) {
  std::map<std::string, std::string> out;
  for (size_t i = from; i < args.size(); ++i) {
    std::string name = args[i], value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (known.count(name) && i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw NamedArgsError(known.count(name) ? name + " needs a value" : "unexpected '" + name + "'");
    }
    if (!known.count(name)) throw NamedArgsError("unexpected '" + name + "'");
    if (!out.emplace(name, value).second) throw NamedArgsError(name + " given twice");
  }
  return out;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace aicore::host

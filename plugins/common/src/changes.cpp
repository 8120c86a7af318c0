#include <aicore/mapping/changes.hpp>

#include <aicore/plugin.hpp>

namespace aicore::mapping {

void Changes::drop(std::string_view reason, std::string_view field) {
  for (auto& [r, fields] : drops_)
    if (r == reason) {
      fields += ", " + std::string(field);
      return;
    }
  drops_.emplace_back(std::string(reason), std::string(field));
}

void Changes::note(std::string n) { notes_.push_back(std::move(n)); }
void Changes::warn(std::string w) { warnings_.push_back(std::move(w)); }

std::string Changes::summary() const {
  std::string line;
  const char* sep = "";
  for (const auto& [reason, fields] : drops_) {
    line += sep + ("dropped " + fields + " (" + reason + ")");
    sep = "; ";
  }
  for (const auto& n : notes_) {
    line += sep + n;
    sep = "; ";
  }
  return line;
}

void Changes::log(std::string_view what) const {
  if (!drops_.empty() || !notes_.empty()) log_debug(std::string(what) + ": " + summary());
  if (!warnings_.empty()) {
    std::string line = std::string(what) + ": ";
    for (size_t i = 0; i < warnings_.size(); ++i) line += (i ? "; " : "") + warnings_[i];
    log_warn(line);
  }
}

}  // namespace aicore::mapping

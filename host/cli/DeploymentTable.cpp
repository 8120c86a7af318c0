#include "cli/DeploymentTable.hpp"

#include <algorithm>
#include <array>

namespace aicore::host {
namespace {

// The model key a configured URL is served under, or "" when the config does not name it.
std::string configured_key(const SubAccount& sub, const std::string& url) {
  for (const auto& [model, urls] : sub.configured_models)
    if (std::find(urls.begin(), urls.end(), url) != urls.end()) return model;
  return {};
}

bool configures_model(const SubAccount& sub, const std::string& model) {
  return std::any_of(sub.configured_models.begin(), sub.configured_models.end(),
                     [&](const auto& m) { return m.first == model; });
}

// Why discovery does not serve a listed deployment ("" when it does).
std::string unused_because(const SubAccount& sub, const ListedDeployment& d,
                           const std::function<bool(const std::string&)>& serves) {
  if (!sub.discover) return "discovery is off for this subaccount";
  if (d.status != "RUNNING") return "not RUNNING";
  if (d.model.empty()) return "no backend model";
  if (d.url.empty()) return "no deploymentUrl";
  if (configures_model(sub, d.model)) return "deployment_models names " + d.model + " explicitly";
  if (!serves(d.model)) return "no enabled provider plugin serves " + d.model;
  return {};
}

std::string id_from_url(const std::string& url) {
  const size_t slash = url.rfind('/');
  return slash == std::string::npos ? url : url.substr(slash + 1);
}

}  // namespace

std::vector<DeploymentRow> deployment_rows(const SubAccount& sub, const std::vector<ListedDeployment>& listed,
                                           const std::function<bool(const std::string&)>& serves) {
  std::vector<DeploymentRow> rows;
  std::vector<std::string> seen;
  for (const auto& d : listed) {
    DeploymentRow r{d.model.empty() ? "-" : d.model, d.id, d.status.empty() ? "-" : d.status, "", d.url, ""};
    const std::string key = d.url.empty() ? std::string() : configured_key(sub, d.url);
    if (!key.empty()) {
      r.source = "both";
      if (key != d.model) r.note = "configured as " + key;
      seen.push_back(d.url);
    } else {
      r.note = unused_because(sub, d, serves);
      r.source = r.note.empty() ? "discovered" : "unused";
    }
    rows.push_back(std::move(r));
  }
  for (const auto& [model, urls] : sub.configured_models)
    for (const auto& u : urls)
      if (std::find(seen.begin(), seen.end(), u) == seen.end())
        rows.push_back({model, id_from_url(u), "-", "configured", u, "not in the resource group's list"});
  return rows;
}

std::string deployment_table(const std::vector<DeploymentRow>& rows) {
  using Line = std::array<std::string, 5>;
  std::vector<Line> lines{{"MODEL", "ID", "STATUS", "SOURCE", "URL"}};
  for (const auto& r : rows) lines.push_back({r.model, r.id, r.status, r.source, r.url});
  std::array<size_t, 4> width{};
  for (const auto& l : lines)
    for (size_t c = 0; c < width.size(); ++c) width[c] = std::max(width[c], l[c].size());
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    out += "  ";
    for (size_t c = 0; c < width.size(); ++c) out += lines[i][c] + std::string(width[c] - lines[i][c].size() + 2, ' ');
    out += lines[i][4];
    if (i > 0 && !rows[i - 1].note.empty()) out += "  (" + rows[i - 1].note + ")";
    out += "\n";
  }
  return out;
}

}  // namespace aicore::host

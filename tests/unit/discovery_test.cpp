// Deployment discovery: reading SAP AI Core's deployment list, paging through it, mapping it to
// model keys, merging it with explicit deployment_models, and what `aicore-proxy deployments`
// says about each deployment.
#include <gtest/gtest.h>

#include "cli/DeploymentTable.hpp"
#include "config/Config.hpp"
#include "discovery/DeploymentList.hpp"
#include "discovery/DeploymentLister.hpp"
#include "discovery/DiscoveredModels.hpp"

using namespace aicore::host;

namespace {

std::string resource(const std::string& id, const std::string& model, const std::string& status = "RUNNING",
                     const char* details_key = "backend_details") {
  return R"({"id":")" + id + R"(","deploymentUrl":"https://api.example/v2/inference/deployments/)" + id +
         R"(/","createdAt":"2025-01-01T00:00:00Z","scenarioId":"foundation-models","status":")" + status +
         R"(","targetStatus":"RUNNING","details":{"resources":{")" + details_key + R"(":{"model":{"name":")" + model +
         R"(","version":"latest"}}}}})";
}

std::string page(int64_t count, const std::vector<std::string>& resources) {
  std::string body = R"({"count":)" + std::to_string(count) + R"(,"resources":[)";
  for (size_t i = 0; i < resources.size(); ++i) body += (i ? "," : "") + resources[i];
  return body + "]}";
}

ListedDeployment listed(const std::string& id, const std::string& model, const std::string& status = "RUNNING") {
  ListedDeployment d;
  d.id = id;
  d.model = model;
  d.status = status;
  d.url = status == "RUNNING" ? "https://api.example/v2/inference/deployments/" + id : "";
  return d;
}

const char* kKey =
    R"({"clientid":"id","clientsecret":"sec","url":"https://x.example","serviceurls":{"AI_API_URL":"https://api.example"}})";

Config config_with(const std::string& sub_body, const std::string& extra = "") {
  return parse_config(std::string(R"({"subAccounts":{"a":{"service_key":)") + kKey + sub_body + "}}" + extra + "}",
                      "/cfg");
}

}  // namespace

TEST(DeploymentList, ReadsAPageInBothSpellings) {
  const auto p = parse_deployment_page(
      page(3, {resource("d1", "gpt-4o"), resource("d2", "anthropic--claude-4.5-sonnet", "RUNNING", "backendDetails"),
               R"({"id":"o1","status":"RUNNING","deploymentUrl":"https://x/d/o1","details":{}})"}));
  EXPECT_EQ(p.count, 3);
  ASSERT_EQ(p.resources.size(), 3u);
  EXPECT_EQ(p.resources[0].id, "d1");
  EXPECT_EQ(p.resources[0].model, "gpt-4o");
  EXPECT_EQ(p.resources[0].version, "latest");
  EXPECT_EQ(p.resources[0].url, "https://api.example/v2/inference/deployments/d1");  // trailing '/' dropped
  EXPECT_EQ(p.resources[0].scenario, "foundation-models");
  EXPECT_EQ(p.resources[1].model, "anthropic--claude-4.5-sonnet");
  EXPECT_EQ(p.resources[2].model, "");  // an orchestration deployment: no backend model
}

TEST(DeploymentList, RefusesWhatIsNoList) {
  for (const char* body :
       {"", "[]", "not json", R"({"resources":[]})", R"({"count":1})", R"({"count":-1,"resources":[]})",
        R"({"count":1,"resources":[5]})", R"({"count":1,"resources":[{"status":"RUNNING"}]})"}) {
    SCOPED_TRACE(body);
    EXPECT_THROW(parse_deployment_page(body), DiscoveryError);
  }
}

TEST(DeploymentList, QueryPagesAndFilters) {
  EXPECT_EQ(deployments_path(100, 200, false), "/v2/lm/deployments?$top=100&$skip=200");
  EXPECT_EQ(deployments_path(100, 0, true),
            "/v2/lm/deployments?$top=100&$skip=0&scenarioId=foundation-models&status=RUNNING");
}

TEST(DeploymentLister, PagesUntilTheCountIsReached) {
  std::vector<std::pair<int, int>> asked;
  const auto all = collect_pages(
      [&](int top, int skip) {
        asked.emplace_back(top, skip);
        std::vector<std::string> rs;
        for (int i = skip; i < std::min(skip + top, 5); ++i) rs.push_back(resource("d" + std::to_string(i), "gpt-4o"));
        return page(5, rs);
      },
      2);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[4].id, "d4");
  EXPECT_EQ(asked, (std::vector<std::pair<int, int>>{{2, 0}, {2, 2}, {2, 4}}));
}

TEST(DeploymentLister, StopsOnAnEmptyPageWhateverTheCountSays) {
  int calls = 0;
  const auto all = collect_pages(
      [&](int, int skip) {
        ++calls;
        return skip == 0 ? page(1000, {resource("d0", "gpt-4o"), resource("d1", "gpt-4o")}) : page(1000, {});
      },
      2);
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ(calls, 2);
}

TEST(DeploymentLister, AFailingPageFailsTheListing) {
  EXPECT_THROW(collect_pages([](int, int) -> std::string { throw DiscoveryError("HTTP 500"); }), DiscoveryError);
}

TEST(DiscoveredModels, RunningDeploymentsByModel) {
  const ModelUrls m = running_models({listed("d1", "gpt-4o"), listed("d2", "gemini-2.5-pro"), listed("d3", "gpt-4o"),
                                      listed("d4", "gpt-4o", "STOPPED"), listed("d5", ""), listed("d1", "gpt-4o")});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].first, "gpt-4o");
  EXPECT_EQ(m[0].second, (std::vector<std::string>{"https://api.example/v2/inference/deployments/d1",
                                                   "https://api.example/v2/inference/deployments/d3"}));
  EXPECT_EQ(m[1].first, "gemini-2.5-pro");
}

TEST(DiscoveredModels, AnExplicitEntryWinsForItsModelKey) {
  const ModelUrls configured{{"gpt-4o", {"https://pinned/d"}}};
  const ModelUrls discovered{{"gpt-4o", {"https://found/d1"}}, {"gpt-5", {"https://found/d2"}}};
  const ModelUrls merged = merge_models(configured, discovered);
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0], (std::pair<std::string, std::vector<std::string>>{"gpt-4o", {"https://pinned/d"}}));
  EXPECT_EQ(merged[1].first, "gpt-5");
}

TEST(DiscoveredModels, ApplyServesOnlyWhatAPluginTakes) {
  Config c = config_with(R"(,"discover":true,"deployment_models":{"gpt-4o":["https://pinned/d"]})");
  ASSERT_TRUE(c.subaccounts[0].discover);
  apply_discovered(c, [](const std::string&) { return true; });
  EXPECT_EQ(c.subaccounts[0].deployment_models.size(), 1u);  // no list yet: the explicit entries
  c.subaccounts[0].discovered =
      ModelUrls{{"gpt-5", {"https://found/d2"}}, {"mistralai--mistral-large", {"https://found/d3"}}};
  apply_discovered(c, [](const std::string& m) { return m.rfind("gpt", 0) == 0; });
  EXPECT_EQ(c.model_keys(), (std::vector<std::string>{"gpt-4o", "gpt-5"}));
  EXPECT_EQ(c.subaccounts[0].configured_models.size(), 1u);
}

TEST(DiscoveredModels, AReloadKeepsTheListOfTheSameSource) {
  Config before = config_with("");
  before.subaccounts[0].discovered = ModelUrls{{"gpt-5", {"https://found/d2"}}};
  Config same = config_with("");
  inherit_discovered(same, before);
  ASSERT_TRUE(same.subaccounts[0].discovered.has_value());
  EXPECT_EQ(same.subaccounts[0].discovered->at(0).first, "gpt-5");
  Config other_group = config_with(R"(,"resource_group":"team-b")");
  inherit_discovered(other_group, before);
  EXPECT_FALSE(other_group.subaccounts[0].discovered.has_value());
}

TEST(DiscoveryConfig, DeploymentModelsMayBeLeftOut) {
  const Config c = config_with("", R"(,"model_aliases":{"my-model":"gpt-5"},"model_fallbacks":{"gpt-5":["gpt-4o"]},
    "discovery":{"refresh_s":60,"retry_s":5,"timeout_s":10})");
  EXPECT_TRUE(c.subaccounts[0].discover);
  EXPECT_TRUE(c.model_keys().empty());
  EXPECT_EQ(c.model_aliases.size(), 1u);  // a discovered model may be its target
  EXPECT_EQ(c.discovery.refresh_s, 60);
  EXPECT_EQ(c.discovery.retry_s, 5);
  EXPECT_EQ(c.discovery.timeout_s, 10);
  EXPECT_EQ(config_with(R"(,"deployment_models":{})").discovery.refresh_s, 300);
  EXPECT_FALSE(config_with(R"(,"deployment_models":{})").subaccounts[0].discover);
  EXPECT_THROW(config_with("", R"(,"discovery":{"refresh_s":0})"), ConfigError);
}

TEST(DeploymentTable, SaysWhereEachDeploymentComesFrom) {
  Config c = config_with(
      R"(,"discover":true,"deployment_models":{"gpt-4o":["https://api.example/v2/inference/deployments/d1","https://old/d9"]})");
  const auto rows = deployment_rows(c.subaccounts[0],
                                    {listed("d1", "gpt-4o"), listed("d2", "gpt-5"), listed("d3", "gpt-4o"),
                                     listed("d4", "gpt-5", "STOPPED"), listed("d5", "dall-e-3")},
                                    [](const std::string& m) { return m.rfind("gpt", 0) == 0; });
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].source, "both");
  EXPECT_EQ(rows[1].source, "discovered");
  EXPECT_EQ(rows[2].source, "unused");  // gpt-4o is pinned by deployment_models
  EXPECT_EQ(rows[3].source, "unused");
  EXPECT_EQ(rows[3].note, "not RUNNING");
  EXPECT_EQ(rows[4].note, "no enabled provider plugin serves dall-e-3");
  EXPECT_EQ(rows[5].source, "configured");
  EXPECT_EQ(rows[5].id, "d9");
  const std::string table = deployment_table(rows);
  EXPECT_NE(table.find("MODEL"), std::string::npos);
  const size_t line = table.find("  gpt-5 ");
  ASSERT_NE(line, std::string::npos) << table;
  const std::string first_gpt5 = table.substr(line, table.find('\n', line) - line);
  EXPECT_NE(first_gpt5.find("discovered"), std::string::npos) << table;
  EXPECT_NE(first_gpt5.find("/deployments/d2"), std::string::npos) << table;
  EXPECT_NE(table.find("(not RUNNING)"), std::string::npos) << table;
}

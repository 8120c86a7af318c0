// The settings-file edits behind `aicore-proxy configure --write`: the line-based TOML edit of
// Codex's config.toml, the JSON merges, the diff shown first, and the atomic write with a .bak.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/ClientFiles.hpp"
#include "cli/JsonMerge.hpp"
#include "cli/LineDiff.hpp"
#include "cli/SettingsFile.hpp"
#include "cli/TomlEdit.hpp"

using namespace aicore::host;
namespace fs = std::filesystem;

namespace {

const std::vector<std::pair<std::string, std::string>> kTop = {{"model", "\"gpt-5\""},
                                                               {"model_provider", "\"aicore\""}};
const std::vector<std::string> kBody = {"name = \"aicore-proxy\"", "env_key = \"AICORE_PROXY_KEY\""};
const char* kTable = "[model_providers.aicore]\nname = \"aicore-proxy\"\nenv_key = \"AICORE_PROXY_KEY\"\n";

std::string edit(const std::string& text) {
  const std::string once = toml_edit(text, kTop, "model_providers.aicore", kBody);
  EXPECT_EQ(toml_edit(once, kTop, "model_providers.aicore", kBody), once) << "a second edit changed:\n" << once;
  return once;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(TomlEdit, MissingOrEmptyFile) {
  EXPECT_EQ(edit(""), std::string("model = \"gpt-5\"\nmodel_provider = \"aicore\"\n\n") + kTable);
}

TEST(TomlEdit, KeysGoAboveTheFirstTableAndCommentsStay) {
  const std::string in =
      "# my settings\n\napproval_policy = \"never\"  # ask less\n\n# the TUI\n[tui]\nnotifications = true\n";
  EXPECT_EQ(edit(in),
            "# my settings\n\napproval_policy = \"never\"  # ask less\nmodel = \"gpt-5\"\n"
            "model_provider = \"aicore\"\n\n# the TUI\n[tui]\nnotifications = true\n\n" +
                std::string(kTable));
  // No top-level key yet: above the first header and the comment lines directly on it.
  EXPECT_EQ(edit("# file comment\n\n# on tui\n[tui]\nx = 1\n"),
            "# file comment\n\nmodel = \"gpt-5\"\nmodel_provider = \"aicore\"\n\n# on tui\n[tui]\nx = 1\n\n" +
                std::string(kTable));
}

TEST(TomlEdit, ReplacesTopLevelKeysInPlaceButNotATablesKeys) {
  const std::string in =
      "model_provider = \"openai\"\nmodel = \"o3\" # was o3\n\n[profiles.fast]\nmodel = \"o4-mini\"\n";
  EXPECT_EQ(edit(in),
            "model_provider = \"aicore\"\nmodel = \"gpt-5\" # was o3\n\n[profiles.fast]\nmodel = "
            "\"o4-mini\"\n\n" +
                std::string(kTable));
  EXPECT_EQ(edit("\"model\" = 'x'\n"), "model = \"gpt-5\"\nmodel_provider = \"aicore\"\n\n" + std::string(kTable));
}

TEST(TomlEdit, ReplacesAnExistingTableBodyKeepingItsSubTablesAndNeighbours) {
  const std::string in =
      "model = \"gpt-5\"\nmodel_provider = \"aicore\"\n\n[model_providers.aicore] # ours\nname = \"old\"\n"
      "# stale\nbase_url = \"http://old/v1\"\n\n[model_providers.aicore.http_headers]\nX-Team = \"a\"\n\n"
      "[model_providers.other]\nname = \"other\"\n";
  EXPECT_EQ(edit(in),
            "model = \"gpt-5\"\nmodel_provider = \"aicore\"\n\n[model_providers.aicore] # ours\nname = "
            "\"aicore-proxy\"\nenv_key = \"AICORE_PROXY_KEY\"\n\n[model_providers.aicore.http_headers]\nX-Team = "
            "\"a\"\n\n[model_providers.other]\nname = \"other\"\n");
  // Spelled with quotes and spaces, it is the same table.
  EXPECT_EQ(edit("[ model_providers . \"aicore\" ]\nname = \"old\"\n"),
            "model = \"gpt-5\"\nmodel_provider = \"aicore\"\n\n[ model_providers . \"aicore\" ]\n"
            "name = \"aicore-proxy\"\nenv_key = \"AICORE_PROXY_KEY\"\n");
}

TEST(TomlEdit, MultiLineValuesAreNotHeaders) {
  const std::string in =
      "notify = [\n  \"[model_providers.aicore]\",\n  [1, 2], # [x]\n]\ninstructions = '''\n[tui]\nmodel = 1\n'''\n"
      "s = \"\"\"a \\\"\"\" [b]\n\"\"\"\n";
  EXPECT_EQ(edit(in), in + "model = \"gpt-5\"\nmodel_provider = \"aicore\"\n\n" + kTable);
}

TEST(TomlEdit, KeepsCrlfAndAMissingFinalNewline) {
  EXPECT_EQ(edit("a = 1\r\n[b]\r\nc = 2"),
            "a = 1\r\nmodel = \"gpt-5\"\r\nmodel_provider = \"aicore\"\r\n\r\n[b]\r\nc = 2\r\n\r\n"
            "[model_providers.aicore]\r\nname = \"aicore-proxy\"\r\nenv_key = \"AICORE_PROXY_KEY\"\r\n");
}

TEST(TomlEdit, RefusesWhatItCannotEditSafely) {
  const auto refuses = [](const std::string& text, const std::string& why) {
    try {
      toml_edit(text, kTop, "model_providers.aicore", kBody);
      ADD_FAILURE() << text;
    } catch (const TomlEditError& e) { EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what(); }
  };
  refuses("model_providers = { aicore = { name = \"x\" } }\n", "line 1: this key defines part of the table");
  refuses("a = 1\n[model_providers]\naicore.name = \"x\"\n", "line 3: this key defines part");
  refuses("model_providers.aicore.name = \"x\"\n", "line 1:");
  refuses("[[model_providers]]\nname = \"x\"\n", "array of tables");
  refuses("a = [1,\n", "line 1: the value never ends");
  refuses("a = \"open\n", "line 1: unterminated string");
  refuses("just words\n", "line 1: expected a key = value");
  refuses("[tui\n", "line 1: cannot read this table header");
  // Dotted keys of another provider, and other tables, are fine.
  EXPECT_NO_THROW(toml_edit("model_providers.other.name = \"x\"\n[model_providers]\nother = {name = \"y\"}\n", kTop,
                            "model_providers.aicore", kBody));
}

TEST(TomlEdit, Strings) { EXPECT_EQ(toml_string("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\""); }

TEST(JsonMerge, MergesKeepingOtherKeysAndTheIndent) {
  const std::string old =
      "{\n    \"theme\": \"dark\",\n    \"env\": {\"KEEP\": \"1\", \"ANTHROPIC_MODEL\": \"x\"}\n}\n";
  const nlohmann::ordered_json patch = {{"env", {{"ANTHROPIC_MODEL", "y"}, {"NEW", "2"}}}};
  const std::string merged = merge_settings_json(old, patch);
  EXPECT_EQ(merged,
            "{\n    \"theme\": \"dark\",\n    \"env\": {\n        \"KEEP\": \"1\",\n        \"ANTHROPIC_MODEL\": "
            "\"y\",\n        \"NEW\": \"2\"\n    }\n}\n");
  EXPECT_EQ(merge_settings_json(merged, patch), merged);
  // Already merged, whatever the layout: the file is left as it is.
  const std::string compact = R"({"env":{"ANTHROPIC_MODEL":"y","NEW":"2"}})";
  EXPECT_EQ(merge_settings_json(compact, patch), compact);
  EXPECT_EQ(merge_settings_json(std::nullopt, patch), patch.dump(2) + "\n");
  EXPECT_EQ(merge_settings_json(std::string("  \n"), patch), patch.dump(2) + "\n");
}

TEST(JsonMerge, ReplacedObjectsLoseStaleEntriesButKeepTheirPlace) {
  const std::string old = R"({"provider":{"aicore":{"models":{"old":{}}},"other":{"a":1}},"x":1})";
  const nlohmann::ordered_json patch = {
      {"provider", {{"aicore", {{"models", {{"new", nlohmann::ordered_json::object()}}}}}}}};
  const std::string merged = merge_settings_json(old, patch, {{"provider", "aicore"}});
  EXPECT_EQ(nlohmann::ordered_json::parse(merged).dump(),
            R"({"provider":{"aicore":{"models":{"new":{}}},"other":{"a":1}},"x":1})");
  EXPECT_EQ(merge_settings_json(merged, patch, {{"provider", "aicore"}}), merged);
}

TEST(JsonMerge, RefusesCommentsAndNonObjects) {
  const nlohmann::ordered_json patch = {{"a", 1}};
  EXPECT_THROW(merge_settings_json(std::string("{\n  // mine\n  \"b\": 2\n}"), patch), JsonSettingsError);
  EXPECT_THROW(merge_settings_json(std::string("{\"b\": "), patch), JsonSettingsError);
  EXPECT_THROW(merge_settings_json(std::string("[1]"), patch), JsonSettingsError);
}

TEST(LineDiff, HunksWithContext) {
  EXPECT_EQ(unified_diff("a\nb\n", "a\nb\n", "old", "new"), "");
  EXPECT_EQ(unified_diff("", "x\ny\n", "/dev/null", "f"), "--- /dev/null\n+++ f\n@@ -0,0 +1,2 @@\n+x\n+y\n");
  EXPECT_EQ(unified_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", "o", "n"),
            "--- o\n+++ n\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
  // Far-apart changes make two hunks.
  std::string a, b;
  for (int i = 0; i < 20; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 1 || i == 18 ? "x" : std::to_string(i)) + "\n";
  }
  const std::string d = unified_diff(a, b, "o", "n");
  EXPECT_NE(d.find("@@ -1,5 +1,5 @@\n 0\n-1\n+x\n 2\n 3\n 4\n@@ -16,5 +16,5 @@\n 15\n 16\n 17\n-18\n+x\n 19\n"),
            std::string::npos)
      << d;
}

TEST(SettingsFile, WritesAtomicallyKeepsABackupAndThePermissions) {
  const fs::path dir = fs::temp_directory_path() / ("aicore-settings-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const fs::path file = dir / "deep" / "settings.json";
  EXPECT_EQ(read_settings_file(file.string()), std::nullopt);
  write_settings_file(file.string(), "one\n");  // the folder is created, the file is private
  EXPECT_EQ(read(file), "one\n");
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(file.string() + ".bak"));
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  write_settings_file(file.string(), "two\n");
  EXPECT_EQ(read(file), "two\n");
  EXPECT_EQ(read(file.string() + ".bak"), "one\n");
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  // A symlinked settings file (a dotfiles repository) is updated where it points.
  const fs::path link = dir / "link.json";
  fs::create_symlink(file, link);
  write_settings_file(link.string(), "three\n");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read(file), "three\n");
  for (const auto& e : fs::directory_iterator(dir / "deep"))
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
  fs::create_directories(dir / "adir");
  EXPECT_THROW(read_settings_file((dir / "adir").string()), SettingsFileError);
  fs::remove_all(dir);
}

TEST(SettingsFile, EachClientsEditIsIdempotent) {
  ConfigureTarget t;
  t.base_url = "http://127.0.0.1:3001";
  t.key = "k1";
  t.models = {"gpt-5", "anthropic--claude-4.5-sonnet"};
  t.model = t.sonnet_model = t.haiku_model = "anthropic--claude-4.5-sonnet";
  for (const auto c : {ClientKind::ClaudeCode, ClientKind::Codex, ClientKind::GeminiCli, ClientKind::OpenCode}) {
    const std::string first = updated_settings(c, t, std::nullopt);
    EXPECT_EQ(updated_settings(c, t, first), first) << client_name(c);
  }
  EXPECT_EQ(settings_file(ClientKind::Cline), std::nullopt);
}

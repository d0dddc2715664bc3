// The commentd binary driven as a user drives it: check and moderate.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

const char* kBinary = COMMENTD_BINARY_DIR "/src/cli/commentd";

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

// Runs the binary with `args` (each shell-quoted here), stdin from `input`.
CommandResult RunCommentd(const std::vector<std::string>& args, const std::string& input = "") {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string in_path = dir / ("commentd_cli_test_in_" + std::to_string(getpid()));
  std::ofstream(in_path, std::ios::binary) << input;
  std::string cmd = std::string(kBinary);
  for (const std::string& a : args) {
    std::string quoted = "'";
    for (char c : a) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += " " + quoted + "'";
  }
  cmd += " < " + in_path + " 2>/dev/null";
  CommandResult run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) run.out.append(buf, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::filesystem::remove(in_path);
  return run;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(CliTest, CheckJsonPrintsOneVerdictPerText) {
  CommandResult run = RunCommentd({"check", "--json", "nice article", "visit example dot com now"});
  ASSERT_EQ(run.exit_code, 0);
  auto lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["decision"], "publish");
  auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["decision"], "delete");
  EXPECT_EQ(second["reasons"][0]["rule"], "link");
  EXPECT_EQ(second["reasons"][0]["match"], "example dot com");
}

TEST(CliTest, CheckMarksTheSpanWithoutColourWhenNotATerminal) {
  CommandResult run = RunCommentd({"check", "see hxxp://bad[.]example.com please"});
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("delete  see [[hxxp://bad[.]example.com]] please"), std::string::npos)
      << run.out;
}

TEST(CliTest, ModerateKeepsOrderAndReportsMalformedLines) {
  std::string input;
  for (int i = 0; i < 3000; ++i) {
    input +=
        nlohmann::json{{"id", i}, {"text", i % 3 == 0 ? "fuck this" : "a calm comment"}}.dump() +
        "\n";
  }
  input += "{not json\n";
  input += "{\"id\": \"x\"}\n";
  input += "{\"id\": 7, \"text\": 5}\n";
  input += "{\"id\": 8, \"text\": \"hi\", \"lang\": \"fr\"}\n";
  input += "[1,2]\n";
  input += "{\"id\": \"last\", \"text\": \"북한 소식 감사합니다\", \"lang\": \"ko\"}\n";
  CommandResult run = RunCommentd({"moderate", "--threads", "2"}, input);
  EXPECT_EQ(run.exit_code, 1);
  auto lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 3006u);
  for (int i = 0; i < 3000; ++i) {
    auto j = nlohmann::json::parse(lines[i]);
    ASSERT_EQ(j["id"], i);
    ASSERT_EQ(j["decision"], i % 3 == 0 ? "delete" : "publish");
  }
  EXPECT_EQ(nlohmann::json::parse(lines[3000]),
            (nlohmann::json{{"line", 3001},
                            {"error",
                             "invalid JSON at byte 3: syntax error while parsing object key - "
                             "invalid literal; last read: '{no'; expected string literal"}}));
  EXPECT_EQ(nlohmann::json::parse(lines[3001])["error"], "field 'text' is missing");
  EXPECT_EQ(nlohmann::json::parse(lines[3002])["error"],
            "field 'text' must be a string, not number");
  EXPECT_EQ(nlohmann::json::parse(lines[3003])["error"],
            "field 'lang' must be one of \"en\", \"ko\", \"zh\", \"ja\", not \"fr\"");
  EXPECT_EQ(nlohmann::json::parse(lines[3004])["line"], 3005);
  auto last = nlohmann::json::parse(lines[3005]);
  EXPECT_EQ(last["id"], "last");
  EXPECT_EQ(last["decision"], "publish");
}

TEST(CliTest, ModerateExitsZeroWhenEveryLineWasDecided) {
  CommandResult run =
      RunCommentd({"moderate"}, "{\"id\":1,\"text\":\"ok\"}\n{\"id\":2,\"text\":\"fine\"}\n");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(Lines(run.out).size(), 2u);
}

TEST(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCommentd({"moderate", "--in", "/nonexistent/file.jsonl"}).exit_code, 2);
  EXPECT_EQ(RunCommentd({"check", "--policy", "/nonexistent.toml", "x"}).exit_code, 2);
  EXPECT_EQ(RunCommentd({"no-such-command"}).exit_code, 2);
}

TEST(CliTest, BadPolicyFileIsNamedAndExitsTwo) {
  const std::string path = std::filesystem::temp_directory_path() / "commentd_bad_policy.toml";
  std::ofstream(path) << "[link]\naction = \"erase\"\n";
  CommandResult run = RunCommentd({"check", "--policy", path, "x"});
  EXPECT_EQ(run.exit_code, 2);
  std::filesystem::remove(path);
}

// Every string of the Big List of Naughty Strings through `check`: no crash,
// one verdict each.
TEST(CliTest, NaughtyStringsAllGetAVerdict) {
  const char* env = std::getenv("COMMENTD_DATA");
  const std::string data = env ? env : COMMENTD_SOURCE_DIR "/../shared/data";
  std::ifstream in(data + "/blns-naughty-strings/blns.json");
  if (!in) GTEST_SKIP() << "shared data not found at " << data << " (set COMMENTD_DATA)";
  std::vector<std::string> args = {"check", "--json", "--"};
  for (const auto& s : nlohmann::json::parse(in)) args.push_back(s.get<std::string>());
  const size_t n = args.size() - 3;
  ASSERT_GT(n, 400u);
  CommandResult run = RunCommentd(args);
  ASSERT_EQ(run.exit_code, 0);
  auto lines = Lines(run.out);
  ASSERT_EQ(lines.size(), n);
  for (const auto& line : lines) {
    auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(j["decision"] == "publish" || j["decision"] == "hold" || j["decision"] == "delete");
  }
}

}  // namespace

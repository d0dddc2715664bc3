// `commentd moderate`: decides a JSONL file of comments, one verdict line per
// input line, in input order, using every core.
//
// Input lines: {"id": any, "text": string, "lang"?: "en"|"ko"|"zh"|"ja"}.
// Output lines: {"id", "decision", "reasons", "scores", "policy_version"}, or
// {"line": N, "error": "..."} for a line that cannot be decided; the run goes
// on. Exit status: 0 all decided, 1 some lines malformed, 2 usage/setup error.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.h"
#include "cli/engine_loader.h"
#include "cli/flags.h"
#include "moderation/verdict_json.h"

namespace commentd::cli {
namespace {

struct ModerateOptions {
  EngineOptions engine;
  std::string in_path;
  std::string out_path;
  unsigned threads = 0;
};

constexpr size_t kBatchLines = 8192;

// One input line to one output line. Sets *malformed when the line could
// not be decided.
std::string ModerateLine(const moderation::Moderator& engine, std::string_view line,
                         size_t line_number, bool* malformed) {
  auto error = [&](std::string message) {
    *malformed = true;
    return nlohmann::json{{"line", line_number}, {"error", std::move(message)}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  nlohmann::json input = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (input.is_discarded()) {
    // Parse again with exceptions only to get the position of the error.
    try {
      nlohmann::json ignored = nlohmann::json::parse(line);
      (void)ignored;
    } catch (const nlohmann::json::parse_error& e) {
      // what() is "[json.exception.parse_error.101] parse error at line 1,
      // column 3: <what went wrong>"; keep what went wrong.
      std::string_view what = e.what();
      const size_t column = what.find("column ");
      const size_t colon = what.find(": ", column == std::string_view::npos ? 0 : column);
      if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
      return error(fmt::format("invalid JSON at byte {}: {}", e.byte, what));
    }
    return error("invalid JSON");
  }
  if (!input.is_object()) return error("expected a JSON object {\"id\": ..., \"text\": \"...\"}");
  auto text = input.find("text");
  if (text == input.end()) return error("field 'text' is missing");
  if (!text->is_string())
    return error(fmt::format("field 'text' must be a string, not {}", text->type_name()));
  if (auto lang = input.find("lang"); lang != input.end()) {
    if (!lang->is_string() || (*lang != "en" && *lang != "ko" && *lang != "zh" && *lang != "ja")) {
      return error(fmt::format("field 'lang' must be one of \"en\", \"ko\", \"zh\", \"ja\", not {}",
                               lang->dump()));
    }
  }
  const moderation::Verdict verdict = engine.Evaluate(text->get_ref<const std::string&>());
  nlohmann::json out = {{"id", input.contains("id") ? input["id"] : nlohmann::json()}};
  out.update(moderation::VerdictToJson(verdict));
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int Run(const ModerateOptions& options) {
  auto engine = LoadEngine(options.engine);
  if (!engine.ok()) {
    fmt::print(stderr, "commentd moderate: {}\n", engine.status().ToString());
    return 2;
  }
  std::ifstream in_file;
  if (!options.in_path.empty() && options.in_path != "-") {
    in_file.open(options.in_path, std::ios::binary);
    if (!in_file) {
      fmt::print(stderr, "commentd moderate: cannot open input '{}'\n", options.in_path);
      return 2;
    }
  }
  std::ofstream out_file;
  if (!options.out_path.empty() && options.out_path != "-") {
    out_file.open(options.out_path, std::ios::binary | std::ios::trunc);
    if (!out_file) {
      fmt::print(stderr, "commentd moderate: cannot open output '{}'\n", options.out_path);
      return 2;
    }
  }
  std::istream& in = in_file.is_open() ? static_cast<std::istream&>(in_file) : std::cin;
  std::ostream& out = out_file.is_open() ? static_cast<std::ostream&>(out_file) : std::cout;

  const unsigned threads =
      options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const bool progress = isatty(STDERR_FILENO);
  const auto started = std::chrono::steady_clock::now();

  std::vector<std::string> lines;
  std::vector<std::string> results;
  size_t first_line = 1;
  size_t malformed_lines = 0;
  bool more = true;
  while (more) {
    lines.clear();
    std::string line;
    while (lines.size() < kBatchLines && (more = static_cast<bool>(std::getline(in, line)))) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(std::move(line));
    }
    if (lines.empty()) break;
    results.assign(lines.size(), std::string());
    std::vector<char> malformed(lines.size(), 0);
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < lines.size();) {
        bool bad = false;
        results[i] = ModerateLine(**engine, lines[i], first_line + i, &bad);
        malformed[i] = bad;
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads && t < lines.size(); ++t) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
    for (size_t i = 0; i < results.size(); ++i) {
      out << results[i] << '\n';
      malformed_lines += malformed[i];
    }
    first_line += lines.size();
    if (progress) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      fmt::print(stderr, "\rcommentd moderate: {} lines, {:.0f} lines/s, {} malformed",
                 first_line - 1, (first_line - 1) / std::max(seconds, 1e-9), malformed_lines);
    }
  }
  out.flush();
  if (progress) fmt::print(stderr, "\n");
  if (!out) {
    fmt::print(stderr, "commentd moderate: writing the output failed\n");
    return 2;
  }
  return malformed_lines > 0 ? 1 : 0;
}

}  // namespace

void RegisterModerateCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ModerateOptions>();
  CLI::App* cmd =
      app.add_subcommand("moderate", "Decide a JSONL file of comments, one verdict per line");
  AddEngineFlags(*cmd, options->engine);
  cmd->add_option("--in", options->in_path, "Input JSONL (default: stdin)");
  cmd->add_option("--out", options->out_path, "Output JSONL (default: stdout)");
  cmd->add_option("--threads", options->threads, "Worker threads (default: one per core)");
  cmd->callback([options, &exit_code] { exit_code = Run(*options); });
}

}  // namespace commentd::cli

// `commentd check TEXT...`: the engine's decision on each text, with the
// offending spans highlighted, for a person at a terminal (or --json).
#include <fmt/color.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/engine_loader.h"
#include "cli/flags.h"
#include "moderation/verdict_json.h"
#include "text/utf8.h"

namespace commentd::cli {
namespace {

struct CheckOptions {
  EngineOptions engine;
  std::vector<std::string> texts;
  bool json = false;
  std::string color = "auto";
};

// The text with each reason's span marked: reverse video on a terminal,
// [[...]] elsewhere. Spans may overlap; marks open at a span's start and
// close at the end of the widest overlapping group.
std::string Highlight(std::string_view text, const moderation::Verdict& v, bool color) {
  std::vector<text::Span> spans;
  for (const auto& r : v.reasons) {
    if (r.span.end > r.span.begin && r.span.end <= text.size()) spans.push_back(r.span);
  }
  std::sort(spans.begin(), spans.end(),
            [](const text::Span& a, const text::Span& b) { return a.begin < b.begin; });
  const std::string open = color ? "\x1b[1;7;31m" : "[[";
  const std::string close = color ? "\x1b[0m" : "]]";
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i < spans.size();) {
    text::Span group = spans[i];
    while (++i < spans.size() && spans[i].begin < group.end)
      group.end = std::max(group.end, spans[i].end);
    out.append(text.substr(pos, group.begin - pos));
    out += open;
    out.append(text.substr(group.begin, group.end - group.begin));
    out += close;
    pos = group.end;
  }
  out.append(text.substr(pos));
  return text::ToValidUtf8(out);
}

void PrintHuman(std::string_view text, const moderation::Verdict& v, bool color) {
  const std::string_view decision = moderation::DecisionName(v.decision);
  std::string label = fmt::format("{:<7}", decision);
  if (color) {
    const fmt::color c = v.decision == moderation::Decision::kPublish ? fmt::color::green
                         : v.decision == moderation::Decision::kHold  ? fmt::color::orange
                                                                      : fmt::color::red;
    label = fmt::format(fmt::fg(c) | fmt::emphasis::bold, "{:<7}", decision);
  }
  fmt::print("{} {}\n", label, Highlight(text, v, color));
  for (const auto& r : v.reasons) {
    fmt::print("        {:<22} {:>4}-{:<4} {:<7} \"{}\"  {}\n", moderation::RuleName(r.rule),
               r.span.begin, r.span.end, moderation::DecisionName(r.action),
               text::ToValidUtf8(r.match), r.detail);
  }
}

}  // namespace

void RegisterCheckCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check", "Decide single texts and show why");
  AddEngineFlags(*cmd, options->engine);
  cmd->add_option("texts", options->texts, "Texts to check")->required();
  cmd->add_flag("--json", options->json, "Print one JSON verdict per line (as `moderate` does)");
  cmd->add_option("--color", options->color, "Highlight with colour: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->callback([options, &exit_code] {
    auto engine = LoadEngine(options->engine);
    if (!engine.ok()) {
      fmt::print(stderr, "commentd check: {}\n", engine.status().ToString());
      exit_code = 2;
      return;
    }
    const bool color =
        options->color == "always" || (options->color == "auto" && isatty(STDOUT_FILENO));
    for (const std::string& text : options->texts) {
      const moderation::Verdict v = (*engine)->Evaluate(text);
      if (options->json) {
        std::cout << moderation::VerdictToJson(v).dump(-1, ' ', false,
                                                       nlohmann::json::error_handler_t::replace)
                  << "\n";
      } else {
        PrintHuman(text, v, color);
      }
    }
    exit_code = 0;
  });
}

}  // namespace commentd::cli

// `commentd eval --data DIR [--models DIR] [--split test|dev]`: measures the
// engine on every labeled corpus and language, three ways: the rules alone
// (the Moderator without classifiers), the models alone, and the combined
// policy (the Moderator with the classifiers). For each it prints precision,
// recall and F1 of "not published" (held or deleted) against the positive
// label, and the share of clean comments deleted and held.
//
// --tune prints, per model and per language (text::GuessLanguage), the
// classifier thresholds that keep the combined policy, on the chosen split,
// at or under 0.5% of clean comments deleted and 3% held (per language),
// simulating the calibrated decision (moderation::Calibrate) and
// counting what the rules already delete or hold against that budget. --policy FILE measures
// a candidate policy instead of the built-in one. --dump-splits DIR
// writes each corpus's chosen split as label<TAB>text lines for the npm
// filter comparison (bench/npm_filters); never commit those files.
//
// The measuring and the tuning live in src/training/ (Evaluator, tuner);
// this file reads the flags and prints.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "training/datasets.h"
#include "training/evaluator.h"
#include "training/metrics.h"
#include "training/tuner.h"

namespace commentd::cli {
namespace {

namespace fs = std::filesystem;
using training::DecisionCounts;
using training::SystemCounts;

struct EvalOptions {
  std::string data_dir = "../shared/data";
  std::string models_dir = "models";
  std::string split = "test";
  std::vector<std::string> datasets;
  std::string dump_dir;
  std::string policy_file;
  bool tune = false;
};

std::string Row(std::string_view corpus, std::string_view lang, std::string_view system,
                const DecisionCounts& c) {
  const std::optional<double> speed = c.TextsPerSecond();
  return fmt::format(
      "| {:<22} | {:<4} | {:<11} | {:>6} | {:>5} | {:.3f} | {:.3f} | {:.3f} | {:>6.2f}% "
      "| {:>6.2f}% | {:>9} |\n",
      corpus, lang, system, c.n(), c.positives(), c.Precision(), c.Recall(), c.F1(),
      100 * c.CleanDeletedShare(), 100 * c.CleanHeldShare(),
      speed ? fmt::format("{:.0f}", *speed) : "-");
}

constexpr std::string_view kHeader =
    "| corpus                 | lang | system      |      n |   pos |   P   |   R   |  F1   | "
    "clean del "
    "| clean held |  texts/s  |\n"
    "|------------------------|------|-------------|--------|-------|-------|-------|-------|------"
    "-----"
    "|------------|-----------|\n";

void PrintRows(std::string_view corpus, std::string_view lang, const SystemCounts& systems) {
  for (std::string_view system : training::kSystems) {
    auto it = systems.find(system);
    if (it != systems.end()) fmt::print("{}", Row(corpus, lang, system, it->second));
  }
}

void PrintTuning(const training::Evaluator& evaluator) {
  fmt::print(
      "\nClassifier thresholds for at most {}% of clean comments deleted and {}% held by "
      "the combined policy on this split (clean comments of every corpus but davidson, "
      "by language; languages with fewer than {} clean comments keep the section's "
      "thresholds). As policy TOML:\n",
      training::kCleanDeletedPercent, training::kCleanHeldPercent, training::kMinTuningComments);
  for (const auto& [task, scores] : evaluator.tuning_scores()) {
    fmt::print("\n");
    for (const training::TunedSection& s :
         training::TuneSections(training::TaskName(task), scores)) {
      if (!s.thresholds) {
        fmt::print("# [{}]: {} clean comments, no positives: keeps the section's thresholds\n",
                   s.section, s.clean);
        continue;
      }
      fmt::print(
          "[{}]  # {} clean, {} positive\nclassifier_delete_threshold = {:.9f}\n"
          "classifier_hold_threshold = {:.9f}\n",
          s.section, s.clean, s.positives, s.thresholds->delete_threshold,
          s.thresholds->hold_threshold);
    }
  }
}

base::Status Eval(const EvalOptions& options) {
  const training::Split split =
      training::ParseSplit(options.split).value_or(training::Split::kTest);
  // Read every corpus first: a wrong --data fails before the engines are built.
  const std::vector<std::string>& names =
      options.datasets.empty() ? training::DatasetNames() : options.datasets;
  std::vector<training::Dataset> datasets;
  for (const std::string& name : names) {
    COMMENTD_ASSIGN_OR_RETURN(training::Dataset ds, training::ReadDataset(name, options.data_dir));
    datasets.push_back(std::move(ds));
  }
  moderation::Policy policy = moderation::Policy::Default();
  if (!options.policy_file.empty()) {
    COMMENTD_ASSIGN_OR_RETURN(policy, moderation::Policy::FromFile(options.policy_file));
  }
  COMMENTD_ASSIGN_OR_RETURN(training::Models models, training::LoadModels(options.models_dir));
  const bool no_models = models.empty();
  const std::string version = policy.version;
  COMMENTD_ASSIGN_OR_RETURN(
      training::Evaluator evaluator,
      training::Evaluator::Create(std::move(policy), std::move(models), options.tune));

  if (!options.dump_dir.empty()) {
    std::error_code ec;
    fs::create_directories(options.dump_dir, ec);
  }
  fmt::print("split: {}   models: {}   policy: {}\n\n", options.split,
             no_models ? std::string("none found") : options.models_dir, version);
  fmt::print("{}", kHeader);
  for (const training::Dataset& ds : datasets) {
    if (!options.dump_dir.empty()) {
      const fs::path path =
          fs::path(options.dump_dir) / fmt::format("{}.{}.tsv", ds.name, options.split);
      COMMENTD_RETURN_IF_ERROR(training::WriteSplitTsv(ds, split, path.string()));
    }
    const SystemCounts cells = evaluator.Evaluate(ds, split);
    PrintRows(fmt::format("{} [{}]", ds.name, ds.positive_label).substr(0, 22), ds.language, cells);
    std::fflush(stdout);
  }
  fmt::print("\nPooled by model and language:\n\n{}", kHeader);
  for (const auto& [key, systems] : evaluator.pooled()) {
    PrintRows(training::TaskName(key.first), key.second, systems);
  }
  fmt::print(
      "\nClean comments of every corpus but davidson, by language (the issue's budget: "
      "at most 0.5% deleted and 3% held in every language):\n\n"
      "| lang | system      |  clean | deleted | held   |\n"
      "|------|-------------|--------|---------|--------|\n");
  for (const auto& [language, systems] : evaluator.clean_by_language()) {
    for (const auto& [system, c] : systems) {
      fmt::print("| {:<4} | {:<11} | {:>6} | {:>6.2f}% | {:>5.2f}% |\n", language, system,
                 c.clean(), 100 * c.CleanDeletedShare(), 100 * c.CleanHeldShare());
    }
  }
  if (options.tune) PrintTuning(evaluator);
  return base::OkStatus();
}

}  // namespace

void RegisterEvalCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Measure rules, models and both on the labeled corpora");
  cmd->add_option("--data", options->data_dir, "Folder of the labeled corpora (shared/data)")
      ->capture_default_str();
  cmd->add_option("--models", options->models_dir, "Folder of the trained models")
      ->capture_default_str();
  cmd->add_option("--split", options->split, "Which split to measure")
      ->check(CLI::IsMember({"test", "dev", "train"}))
      ->capture_default_str();
  cmd->add_option("--dataset", options->datasets, "Only these datasets");
  cmd->add_option("--dump-splits", options->dump_dir,
                  "Also write each corpus's split as label<TAB>text files here");
  cmd->add_option("--policy", options->policy_file,
                  "Policy file (TOML) to measure; default: the built-in policy");
  cmd->add_flag("--tune", options->tune,
                "Print per-language thresholds for <=0.5% deleted / <=3% held clean comments");
  cmd->callback([options, &exit_code] { exit_code = ReportStatus("eval", Eval(*options)); });
}

}  // namespace commentd::cli

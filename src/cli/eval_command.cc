// `commentd eval --data DIR [--models DIR] [--split test|dev]`: measures the
// engine on every labeled corpus and language, three ways: the rules alone
// (the Moderator without classifiers), the models alone, and the combined
// policy (the Moderator with the classifiers). For each it prints precision,
// recall and F1 of "not published" (held or deleted) against the positive
// label, and the share of clean comments deleted and held.
//
// --tune prints the classifier thresholds that keep, on the chosen split,
// at most 1% of clean comments deleted and at most 3% held. --dump-splits DIR
// writes each corpus's chosen split as label<TAB>text lines for the npm
// filter comparison (bench/npm_filters); never commit those files.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "moderation/datasets.h"
#include "moderation/fasttext_classifier.h"
#include "moderation/moderator.h"
#include "text/normalizer.h"

namespace commentd::cli {
namespace {

namespace fs = std::filesystem;
using moderation::Decision;
using moderation::Task;

struct EvalOptions {
  std::string data_dir = "../shared/data";
  std::string models_dir = "models";
  std::string split = "test";
  std::vector<std::string> datasets;
  std::string dump_dir;
  bool tune = false;
};

// Counts for one (corpus or language, system) cell.
struct Counts {
  size_t tp = 0, fp = 0, fn = 0, tn = 0;
  size_t clean_deleted = 0, clean_held = 0;
  double seconds = 0;

  void Add(bool positive, Decision d) {
    const bool flagged = d != Decision::kPublish;
    if (positive) {
      flagged ? ++tp : ++fn;
    } else {
      flagged ? ++fp : ++tn;
      if (d == Decision::kDelete) ++clean_deleted;
      if (d == Decision::kHold) ++clean_held;
    }
  }
  void Merge(const Counts& o) {
    tp += o.tp, fp += o.fp, fn += o.fn, tn += o.tn;
    clean_deleted += o.clean_deleted, clean_held += o.clean_held;
    seconds += o.seconds;
  }
  size_t n() const { return tp + fp + fn + tn; }
};

double Ratio(double a, double b) { return b == 0 ? 0 : a / b; }

std::string Row(std::string_view corpus, std::string_view lang, std::string_view system,
                const Counts& c) {
  const double p = Ratio(c.tp, c.tp + c.fp);
  const double r = Ratio(c.tp, c.tp + c.fn);
  const double f1 = Ratio(2 * p * r, p + r);
  const size_t clean = c.fp + c.tn;
  const std::string speed =
      c.seconds > 0 ? fmt::format("{:.0f}", static_cast<double>(c.n()) / c.seconds) : "-";
  return fmt::format("| {:<22} | {:<4} | {:<11} | {:>6} | {:>5} | {:.3f} | {:.3f} | {:.3f} | {:>6.2f}% "
                     "| {:>6.2f}% | {:>9} |\n",
                     corpus, lang, system, c.n(), c.tp + c.fn, p, r, f1,
                     100 * Ratio(c.clean_deleted, clean), 100 * Ratio(c.clean_held, clean), speed);
}

constexpr std::string_view kHeader =
    "| corpus                 | lang | system      |      n |   pos |   P   |   R   |  F1   | clean del "
    "| clean held |  texts/s  |\n"
    "|------------------------|------|-------------|--------|-------|-------|-------|-------|-----------"
    "|------------|-----------|\n";

// The smallest threshold such that at most `max_share` of `clean`
// probabilities reach it: just above the k-th largest, k = share * n.
// fastText's probabilities crowd near 0 and 1, so no fixed grid is used.
double ThresholdFor(std::vector<double> clean, double max_share) {
  if (clean.empty()) return 1.0;
  std::sort(clean.begin(), clean.end(), std::greater<>());
  const size_t k = static_cast<size_t>(max_share * static_cast<double>(clean.size()));
  if (k >= clean.size()) return 0.0;
  return std::nextafter(clean[k], 2.0);
}

std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

base::Status Eval(const EvalOptions& options) {
  moderation::Split split = moderation::Split::kTest;
  if (options.split == "dev") split = moderation::Split::kDev;
  if (options.split == "train") split = moderation::Split::kTrain;
  // Read every corpus first: a wrong --data fails before the engines are built.
  const std::vector<std::string>& names =
      options.datasets.empty() ? moderation::DatasetNames() : options.datasets;
  std::vector<moderation::Dataset> datasets;
  for (const std::string& name : names) {
    COMMENTD_ASSIGN_OR_RETURN(moderation::Dataset ds, moderation::ReadDataset(name, options.data_dir));
    datasets.push_back(std::move(ds));
  }
  COMMENTD_ASSIGN_OR_RETURN(text::Normalizer normalizer, text::Normalizer::Create());
  moderation::Policy policy = moderation::Policy::Default();

  std::map<Task, std::shared_ptr<const moderation::FastTextClassifier>> models;
  for (Task task : {Task::kAdvertisement, Task::kInappropriateLanguage}) {
    const fs::path path =
        fs::path(options.models_dir) / (std::string(moderation::TaskName(task)) + ".ftz");
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    COMMENTD_ASSIGN_OR_RETURN(auto model, moderation::FastTextClassifier::Create(path.string()));
    models[task] = std::move(model);
  }
  COMMENTD_ASSIGN_OR_RETURN(auto rules, moderation::Moderator::Create(policy));
  moderation::Classifiers classifiers;
  if (models.count(Task::kAdvertisement)) classifiers.advertisement = models[Task::kAdvertisement];
  if (models.count(Task::kInappropriateLanguage)) {
    classifiers.inappropriate_language = models[Task::kInappropriateLanguage];
  }
  COMMENTD_ASSIGN_OR_RETURN(auto combined, moderation::Moderator::Create(policy, classifiers));

  if (!options.dump_dir.empty()) {
    std::error_code ec;
    fs::create_directories(options.dump_dir, ec);
  }
  fmt::print("split: {}   models: {}   policy: {}\n\n", options.split,
             models.empty() ? std::string("none found") : options.models_dir, policy.version);
  fmt::print("{}", kHeader);

  // Pooled per (task, language) and per task, and the clean probabilities for --tune.
  std::map<std::pair<Task, std::string>, std::map<std::string, Counts>> by_language;
  std::map<Task, std::vector<double>> clean_probabilities;
  std::string language_rows;
  using Clock = std::chrono::steady_clock;
  for (const moderation::Dataset& ds : datasets) {
    std::vector<const moderation::Example*> examples;
    for (const auto& ex : ds.examples) {
      if (ex.split == split) examples.push_back(&ex);
    }
    if (!options.dump_dir.empty()) {
      const fs::path path = fs::path(options.dump_dir) / fmt::format("{}.{}.tsv", ds.name, options.split);
      std::ofstream out(path, std::ios::binary);
      for (const auto* ex : examples) out << (ex->positive ? 1 : 0) << '\t' << OneLine(ex->text) << '\n';
      if (!out) return base::InternalError("{}: cannot write", path.string());
    }
    const auto* model = models.count(ds.task) ? models[ds.task].get() : nullptr;
    const bool ad = ds.task == Task::kAdvertisement;
    const double hold = ad ? policy.advertisement.classifier_hold_threshold
                           : policy.language.classifier_hold_threshold;
    const double del = ad ? policy.advertisement.classifier_delete_threshold
                          : policy.language.classifier_delete_threshold;
    std::map<std::string, Counts> cells;
    auto t0 = Clock::now();
    for (const auto* ex : examples) cells["rules"].Add(ex->positive, rules->Evaluate(ex->text).decision);
    cells["rules"].seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    // Every model's probabilities on this corpus's clean comments, for --tune:
    // an ad model must also stay quiet on clean news comments.
    if (options.tune) {
      for (const auto& [task, m] : models) {
        if (task == Task::kInappropriateLanguage && ds.name == "davidson") continue;
        for (const auto* ex : examples) {
          if (ex->positive && task == ds.task) continue;
          auto folded = normalizer.Fold(ex->text);
          if (!folded.ok()) continue;
          clean_probabilities[task].push_back(m->Probability(normalizer.Lexical(*folded).text()));
        }
      }
    }
    if (model != nullptr) {
      t0 = Clock::now();
      for (const auto* ex : examples) {
        auto folded = normalizer.Fold(ex->text);
        const double p =
            folded.ok() ? model->Probability(normalizer.Lexical(*folded).text()) : 0.0;
        cells["model@0.5"].Add(ex->positive, p >= 0.5 ? Decision::kDelete : Decision::kPublish);
        cells["model"].Add(ex->positive, p >= del    ? Decision::kDelete
                                         : p >= hold ? Decision::kHold
                                                     : Decision::kPublish);
      }
      const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      cells["model"].seconds = seconds;
      t0 = Clock::now();
      for (const auto* ex : examples) {
        cells["combined"].Add(ex->positive, combined->Evaluate(ex->text).decision);
      }
      cells["combined"].seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    }
    for (const char* system : {"rules", "model@0.5", "model", "combined"}) {
      if (!cells.count(system)) continue;
      fmt::print("{}", Row(fmt::format("{} [{}]", ds.name, ds.positive_label).substr(0, 22),
                           ds.language, system, cells[system]));
      by_language[{ds.task, ds.language}][system].Merge(cells[system]);
    }
    std::fflush(stdout);
  }
  fmt::print("\nPooled by model and language:\n\n{}", kHeader);
  for (auto& [key, systems] : by_language) {
    for (const char* system : {"rules", "model@0.5", "model", "combined"}) {
      if (!systems.count(system)) continue;
      fmt::print("{}", Row(moderation::TaskName(key.first), key.second, system, systems[system]));
    }
  }
  if (options.tune) {
    fmt::print("\nThresholds from the clean comments of this split (for ads: every comment of "
               "the language corpora too; davidson excluded for language: its clean tweets "
               "were sampled by a slur lexicon):\n");
    for (auto& [task, probs] : clean_probabilities) {
      const double del = ThresholdFor(probs, 0.01);
      const double hold = std::min(del, ThresholdFor(probs, 0.04));
      fmt::print("  {}: classifier_delete_threshold = {:.6f}, classifier_hold_threshold = {:.6f} "
                 "({} clean comments)\n",
                 moderation::TaskName(task), del, hold, probs.size());
    }
  }
  return base::OkStatus();
}

}  // namespace

void RegisterEvalCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("eval", "Measure rules, models and both on the labeled corpora");
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
  cmd->add_flag("--tune", options->tune, "Print thresholds for <=1% deleted / <=3% held clean comments");
  cmd->callback([options, &exit_code] {
    base::Status status = Eval(*options);
    if (!status.ok()) {
      fmt::print(stderr, "commentd eval: {}\n", status.ToString());
      exit_code = status.code() == base::StatusCode::kInvalidArgument ||
                          status.code() == base::StatusCode::kNotFound
                      ? 2
                      : 1;
    }
  });
}

}  // namespace commentd::cli

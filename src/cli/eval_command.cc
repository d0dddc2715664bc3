// `commentd eval --data DIR [--models DIR] [--split test|dev]`: measures the
// engine on every labeled corpus and language, three ways: the rules alone
// (the Moderator without classifiers), the models alone, and the combined
// policy (the Moderator with the classifiers). For each it prints precision,
// recall and F1 of "not published" (held or deleted) against the positive
// label, and the share of clean comments deleted and held.
//
// --tune prints, per model and per language (text::GuessLanguage), the
// classifier thresholds that keep the combined policy, on the chosen split,
// at or under 1% of clean comments deleted and 3% held, counting what the
// rules already delete or hold against that budget. --policy FILE measures
// a candidate policy instead of the built-in one. --dump-splits DIR
// writes each corpus's chosen split as label<TAB>text lines for the npm
// filter comparison (bench/npm_filters); never commit those files.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "moderation/datasets.h"
#include "moderation/fasttext_classifier.h"
#include "moderation/moderator.h"
#include "text/language.h"
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
  std::string policy_file;
  bool tune = false;
};

// One comment, for --tune: its language, whether it breaks the model's rule,
// the model's probability and what the rules alone decided.
struct Scored {
  std::string_view language;
  bool positive = false;
  double probability = 0;
  Decision rules = Decision::kPublish;
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
  return fmt::format(
      "| {:<22} | {:<4} | {:<11} | {:>6} | {:>5} | {:.3f} | {:.3f} | {:.3f} | {:>6.2f}% "
      "| {:>6.2f}% | {:>9} |\n",
      corpus, lang, system, c.n(), c.tp + c.fn, p, r, f1, 100 * Ratio(c.clean_deleted, clean),
      100 * Ratio(c.clean_held, clean), speed);
}

constexpr std::string_view kHeader =
    "| corpus                 | lang | system      |      n |   pos |   P   |   R   |  F1   | "
    "clean del "
    "| clean held |  texts/s  |\n"
    "|------------------------|------|-------------|--------|-------|-------|-------|-------|------"
    "-----"
    "|------------|-----------|\n";

// The smallest threshold such that at most `budget` of `probabilities`
// reach it: just above the budget-th largest. fastText's probabilities
// crowd near 0 and 1, so no fixed grid is used.
double ThresholdFor(std::vector<double> probabilities, size_t budget) {
  if (budget >= probabilities.size()) return 0.0;
  std::sort(probabilities.begin(), probabilities.end(), std::greater<>());
  return std::nextafter(probabilities[budget], 2.0);
}

// The threshold in [floor, 1] at which "rules flag it (`flagged`) or the
// model reaches the threshold" has the best F1 on `scored`; ties go to the
// higher threshold. Candidates are the floor and every positive's
// probability above it.
double BestThreshold(const std::vector<const Scored*>& scored, double floor,
                     const std::function<bool(Decision)>& flagged) {
  double best_t = floor;
  double best_f1 = -1;
  std::vector<double> candidates = {floor};
  for (const Scored* s : scored) {
    if (s->positive && s->probability >= floor) candidates.push_back(s->probability);
  }
  std::sort(candidates.begin(), candidates.end(), std::greater<>());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (double t : candidates) {
    size_t tp = 0, fp = 0, fn = 0;
    for (const Scored* s : scored) {
      const bool hit = flagged(s->rules) || s->probability >= t;
      if (s->positive) {
        hit ? ++tp : ++fn;
      } else if (hit) {
        ++fp;
      }
    }
    const double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    if (f1 > best_f1) {
      best_f1 = f1;
      best_t = t;
    }
  }
  return best_t;
}

// Thresholds for one model and language. The combined policy may delete 1%
// and hold 3% of the clean comments; what the rules delete (hold) uses that
// budget first and sets the lowest threshold the model may have. Above that
// floor, the threshold with the best F1 on `scored` is chosen, so that a
// model is not made to delete or hold its whole budget when that catches
// little. Nullopt when `scored` has no positives to tune on.
std::optional<moderation::ClassifierThresholds> Tune(const std::vector<const Scored*>& scored) {
  size_t n = 0, positives = 0, rules_deleted = 0, rules_flagged = 0;
  std::vector<double> not_deleted, not_flagged;
  for (const Scored* c : scored) {
    if (c->positive) {
      ++positives;
      continue;
    }
    ++n;
    if (c->rules == Decision::kDelete) ++rules_deleted;
    if (c->rules != Decision::kPublish) ++rules_flagged;
    if (c->rules != Decision::kDelete) not_deleted.push_back(c->probability);
    if (c->rules == Decision::kPublish) not_flagged.push_back(c->probability);
  }
  if (positives == 0 || n == 0) return std::nullopt;
  const size_t delete_budget = n / 100 > rules_deleted ? n / 100 - rules_deleted : 0;
  const size_t flag_budget = n * 4 / 100 > rules_flagged ? n * 4 / 100 - rules_flagged : 0;
  const double delete_floor = std::min(1.0, ThresholdFor(not_deleted, delete_budget));
  const double hold_floor = std::min(delete_floor, ThresholdFor(not_flagged, flag_budget));
  moderation::ClassifierThresholds t;
  t.delete_threshold =
      BestThreshold(scored, delete_floor, [](Decision d) { return d == Decision::kDelete; });
  t.hold_threshold = std::min(t.delete_threshold, BestThreshold(scored, hold_floor, [](Decision d) {
                                return d != Decision::kPublish;
                              }));
  return t;
}

// Fewer clean comments than this in a language tell too little for its own
// thresholds.
constexpr size_t kMinTuningComments = 300;

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
    COMMENTD_ASSIGN_OR_RETURN(moderation::Dataset ds,
                              moderation::ReadDataset(name, options.data_dir));
    datasets.push_back(std::move(ds));
  }
  COMMENTD_ASSIGN_OR_RETURN(text::Normalizer normalizer, text::Normalizer::Create());
  moderation::Policy policy = moderation::Policy::Default();
  if (!options.policy_file.empty()) {
    COMMENTD_ASSIGN_OR_RETURN(policy, moderation::Policy::FromFile(options.policy_file));
  }

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
  std::map<Task, std::vector<Scored>> tune_scores;
  std::string language_rows;
  using Clock = std::chrono::steady_clock;
  for (const moderation::Dataset& ds : datasets) {
    std::vector<const moderation::Example*> examples;
    for (const auto& ex : ds.examples) {
      if (ex.split == split) examples.push_back(&ex);
    }
    if (!options.dump_dir.empty()) {
      const fs::path path =
          fs::path(options.dump_dir) / fmt::format("{}.{}.tsv", ds.name, options.split);
      std::ofstream out(path, std::ios::binary);
      for (const auto* ex : examples)
        out << (ex->positive ? 1 : 0) << '\t' << OneLine(ex->text) << '\n';
      if (!out) return base::InternalError("{}: cannot write", path.string());
    }
    const auto* model = models.count(ds.task) ? models[ds.task].get() : nullptr;
    const bool ad = ds.task == Task::kAdvertisement;
    auto thresholds = [&](std::string_view text) {
      const std::string_view language = text::GuessLanguage(text);
      return ad ? policy.advertisement.Classifier(language) : policy.language.Classifier(language);
    };
    // A model's probability for a text, as the engine computes it (on the
    // lexical view); nullopt when the text cannot be normalized.
    auto probability = [&normalizer](const moderation::FastTextClassifier& m,
                                     std::string_view text) -> std::optional<double> {
      auto folded = normalizer.Fold(text);
      if (!folded.ok()) return std::nullopt;
      return m.Probability(normalizer.Lexical(*folded).text());
    };
    std::map<std::string, Counts> cells;
    std::vector<Decision> rules_decisions;
    rules_decisions.reserve(examples.size());
    auto t0 = Clock::now();
    for (const auto* ex : examples) {
      rules_decisions.push_back(rules->Evaluate(ex->text).decision);
      cells["rules"].Add(ex->positive, rules_decisions.back());
    }
    cells["rules"].seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    // For --tune, every model's probabilities on the clean comments of every
    // corpus (an ad model must also stay quiet on clean news comments, and a
    // language model on clean spam-corpus messages) and on its own corpora's
    // positives. Davidson's clean tweets are left out: they were sampled by a
    // slur lexicon.
    if (options.tune) {
      for (const auto& [task, m] : models) {
        for (size_t i = 0; i < examples.size(); ++i) {
          const auto* ex = examples[i];
          if (ex->positive ? task != ds.task : ds.name == "davidson") continue;
          const std::optional<double> p = probability(*m, ex->text);
          if (!p.has_value()) continue;
          tune_scores[task].push_back(Scored{.language = text::GuessLanguage(ex->text),
                                             .positive = ex->positive,
                                             .probability = *p,
                                             .rules = rules_decisions[i]});
        }
      }
    }
    if (model != nullptr) {
      t0 = Clock::now();
      for (const auto* ex : examples) {
        const double p = probability(*model, ex->text).value_or(0.0);
        cells["model@0.5"].Add(ex->positive, p >= 0.5 ? Decision::kDelete : Decision::kPublish);
        const moderation::ClassifierThresholds t = thresholds(ex->text);
        cells["model"].Add(ex->positive, p >= t.delete_threshold ? Decision::kDelete
                                         : p >= t.hold_threshold ? Decision::kHold
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
    fmt::print(
        "\nClassifier thresholds for at most 1% of clean comments deleted and 3% held by "
        "the combined policy on this split (clean comments of every corpus but davidson, "
        "by language; languages with fewer than {} clean comments keep the section's "
        "thresholds). As policy TOML:\n",
        kMinTuningComments);
    for (auto& [task, scores] : tune_scores) {
      std::vector<const Scored*> all;
      std::map<std::string_view, std::vector<const Scored*>> by_language;
      for (const Scored& c : scores) {
        all.push_back(&c);
        if (!c.language.empty()) by_language[c.language].push_back(&c);
      }
      auto print = [&](std::string_view section, const std::vector<const Scored*>& scored,
                       size_t min_clean) {
        const size_t positives = static_cast<size_t>(std::count_if(
            scored.begin(), scored.end(), [](const Scored* s) { return s->positive; }));
        const size_t clean = scored.size() - positives;
        if (clean < min_clean) return;
        const auto t = Tune(scored);
        if (!t) {
          fmt::print("# [{}]: {} clean comments, no positives: keeps the section's thresholds\n",
                     section, clean);
          return;
        }
        fmt::print(
            "[{}]  # {} clean, {} positive\nclassifier_delete_threshold = {:.9f}\n"
            "classifier_hold_threshold = {:.9f}\n",
            section, clean, positives, t->delete_threshold, t->hold_threshold);
      };
      const std::string name(moderation::TaskName(task));
      fmt::print("\n");
      print(name, all, 1);
      for (const auto& [language, scored] : by_language) {
        print(fmt::format("{}.{}", name, language), scored, kMinTuningComments);
      }
    }
  }
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
                "Print per-language thresholds for <=1% deleted / <=3% held clean comments");
  cmd->callback([options, &exit_code] { exit_code = ReportStatus("eval", Eval(*options)); });
}

}  // namespace commentd::cli

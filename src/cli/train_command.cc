// `commentd train --data DIR --out DIR`: trains the shipped classifiers
// (advertisement.ftz, inappropriate_language.ftz) from the labeled corpora's
// train splits, on the same model text (Moderator::ModelText) the engine
// scores at run time.
// Deterministic: one thread and a fixed seed (models/MANIFEST.md). The
// training sets and the fastText run live in src/training/; this file reads
// the flags and prints.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "moderation/moderator.h"
#include "moderation/policy.h"
#include "training/datasets.h"
#include "training/fasttext_trainer.h"
#include "training/training_sets.h"

namespace commentd::cli {
namespace {

namespace fs = std::filesystem;

struct TrainOptions {
  std::string data_dir = "../shared/data";
  std::string out_dir = "models";
  std::vector<std::string> models = {"advertisement", "inappropriate_language"};
  std::vector<std::string> datasets;  // empty: every dataset of the task
  std::vector<std::string> repeats;   // "corpus=N": that corpus's comments N times
  training::FastTextTrainOptions fasttext;
  bool no_quantize = false;
};

base::Status Train(const TrainOptions& options) {
  // Training reads comments as the engine's classifiers do: through the
  // default policy's ModelText (innocent spans masked).
  COMMENTD_ASSIGN_OR_RETURN(auto moderator,
                            moderation::Moderator::Create(moderation::Policy::Default()));
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) return base::InvalidArgumentError("{}: cannot create: {}", options.out_dir, ec.message());
  std::map<std::string, size_t> repeat;
  for (const std::string& spec : options.repeats) {
    const size_t eq = spec.find('=');
    size_t n = 0;
    const bool ok = eq != std::string::npos && eq + 1 < spec.size() &&
                    std::all_of(spec.begin() + eq + 1, spec.end(),
                                [](char c) { return c >= '0' && c <= '9'; }) &&
                    spec.size() - eq - 1 <= 2;
    if (ok) n = std::stoul(spec.substr(eq + 1));
    if (!ok || n == 0) {
      return base::InvalidArgumentError("--repeat \"{}\": expected CORPUS=N with N in 1..99", spec);
    }
    repeat[spec.substr(0, eq)] = n;
  }
  training::TrainingSets sets(*moderator);
  const std::vector<std::string>& names =
      options.datasets.empty() ? training::DatasetNames() : options.datasets;
  for (const std::string& name : names) {
    COMMENTD_ASSIGN_OR_RETURN(training::Dataset ds, training::ReadDataset(name, options.data_dir));
    const auto r = repeat.find(name);
    const training::AddedExamples added = sets.Add(ds, r == repeat.end() ? 1 : r->second);
    fmt::print(
        "{:<10} {:<3} {:<23} {:>6} train examples ({} not UTF-8, skipped; {} positives left out "
        "for balance)\n",
        ds.name, ds.language, training::TaskName(ds.task), added.used, added.unreadable,
        added.thinned);
  }
  training::FastTextTrainOptions ft = options.fasttext;
  if (options.no_quantize) ft.cutoff = 0;
  for (const std::string& model : options.models) {
    const std::vector<training::TrainingExample>* examples = sets.Examples(model);
    if (examples == nullptr) {
      return base::InvalidArgumentError("no dataset trains model \"{}\"", model);
    }
    const fs::path out = fs::path(options.out_dir) / (model + (ft.cutoff > 0 ? ".ftz" : ".bin"));
    const fs::path scratch =
        fs::temp_directory_path() / fmt::format("commentd-train-{}-{}", model, ::getpid());
    fmt::print("training {} on {} examples -> {}\n", model, examples->size(), out.string());
    std::fflush(stdout);
    base::Status status =
        training::TrainFastTextModel(*examples, ft, scratch.string(), out.string());
    fs::remove_all(scratch, ec);
    COMMENTD_RETURN_IF_ERROR(status);
    fmt::print("wrote {} ({} bytes)\n", out.string(), fs::file_size(out, ec));
  }
  return base::OkStatus();
}

}  // namespace

void RegisterTrainCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train the classifiers from the labeled corpora");
  cmd->add_option("--data", options->data_dir, "Folder of the labeled corpora (shared/data)")
      ->capture_default_str();
  cmd->add_option("--out", options->out_dir, "Where to write the models")->capture_default_str();
  cmd->add_option("--model", options->models, "Models to train")
      ->check(CLI::IsMember({"advertisement", "inappropriate_language"}))
      ->capture_default_str();
  cmd->add_option("--dataset", options->datasets, "Train only on these datasets");
  cmd->add_option("--repeat", options->repeats,
                  "CORPUS=N: put that corpus's train comments N times into its model");
  auto& ft = options->fasttext;
  cmd->add_option("--dim", ft.dim, "Vector size")->capture_default_str();
  cmd->add_option("--epoch", ft.epoch, "Epochs")->capture_default_str();
  cmd->add_option("--lr", ft.lr, "Learning rate")->capture_default_str();
  cmd->add_option("--word-ngrams", ft.word_ngrams, "Word n-gram length")->capture_default_str();
  cmd->add_option("--minn", ft.minn, "Shortest character n-gram (0: none)")->capture_default_str();
  cmd->add_option("--maxn", ft.maxn, "Longest character n-gram (0: none)")->capture_default_str();
  cmd->add_option("--bucket", ft.bucket, "Hash buckets for n-grams")->capture_default_str();
  cmd->add_option("--seed", ft.seed, "Random seed")->capture_default_str();
  cmd->add_option("--cutoff", ft.cutoff, "Features kept by quantization")->capture_default_str();
  cmd->add_flag("--no-quantize", options->no_quantize, "Write a plain .bin model");
  cmd->callback([options, &exit_code] { exit_code = ReportStatus("train", Train(*options)); });
}

}  // namespace commentd::cli

// `commentd train --data DIR --out DIR`: trains the shipped classifiers
// (advertisement.ftz, inappropriate_language.ftz) from the labeled corpora's
// train splits, on the same lexical view the engine scores at run time.
// Deterministic: one thread and a fixed seed (models/MANIFEST.md).
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "moderation/datasets.h"
#include "moderation/fasttext_classifier.h"
#include "text/normalizer.h"

namespace commentd::cli {
namespace {

namespace fs = std::filesystem;
using moderation::Task;

constexpr size_t kCleanForAdsPerCorpus = 2000;

struct TrainOptions {
  std::string data_dir = "../shared/data";
  std::string out_dir = "models";
  std::vector<std::string> models = {"advertisement", "inappropriate_language"};
  std::vector<std::string> datasets;  // empty: every dataset of the task
  moderation::FastTextTrainOptions fasttext;
  bool no_quantize = false;
};

base::Status Train(const TrainOptions& options) {
  COMMENTD_ASSIGN_OR_RETURN(text::Normalizer normalizer, text::Normalizer::Create());
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) return base::InvalidArgumentError("{}: cannot create: {}", options.out_dir, ec.message());
  std::map<std::string, std::vector<moderation::TrainingExample>> per_model;
  std::map<std::string, size_t> clean_for_ads;
  const std::vector<std::string>& names =
      options.datasets.empty() ? moderation::DatasetNames() : options.datasets;
  for (const std::string& name : names) {
    COMMENTD_ASSIGN_OR_RETURN(moderation::Dataset ds,
                              moderation::ReadDataset(name, options.data_dir));
    const std::string model(moderation::TaskName(ds.task));
    size_t used = 0;
    size_t unreadable = 0;
    for (const moderation::Example& ex : ds.examples) {
      if (ex.split != moderation::Split::kTrain) continue;
      auto folded = normalizer.Fold(ex.text);
      if (!folded.ok()) {
        ++unreadable;
        continue;
      }
      std::string lexical = normalizer.Lexical(*folded).text();
      // The ad corpora are YouTube comments and SMS; news comments in four
      // languages are not ads, so the clean comments of the language corpora
      // (capped per corpus) teach the ad model what a normal comment is.
      if (ds.task == Task::kInappropriateLanguage && !ex.positive &&
          clean_for_ads[ds.name] < kCleanForAdsPerCorpus) {
        ++clean_for_ads[ds.name];
        per_model[std::string(moderation::TaskName(Task::kAdvertisement))].push_back(
            {lexical, false});
      }
      per_model[model].push_back({std::move(lexical), ex.positive});
      ++used;
    }
    fmt::print("{:<10} {:<3} {:<23} {:>6} train examples ({} not UTF-8, skipped)\n", ds.name,
               ds.language, model, used, unreadable);
  }
  moderation::FastTextTrainOptions ft = options.fasttext;
  if (options.no_quantize) ft.cutoff = 0;
  for (const std::string& model : options.models) {
    auto it = per_model.find(model);
    if (it == per_model.end()) {
      return base::InvalidArgumentError("no dataset trains model \"{}\"", model);
    }
    const fs::path out = fs::path(options.out_dir) / (model + (ft.cutoff > 0 ? ".ftz" : ".bin"));
    const fs::path scratch =
        fs::temp_directory_path() / fmt::format("commentd-train-{}-{}", model, ::getpid());
    fmt::print("training {} on {} examples -> {}\n", model, it->second.size(), out.string());
    std::fflush(stdout);
    base::Status status =
        moderation::TrainFastTextModel(it->second, ft, scratch.string(), out.string());
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

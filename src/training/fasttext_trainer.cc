#include "training/fasttext_trainer.h"

#include <fasttext/args.h>
#include <fasttext/fasttext.h>

#include <exception>
#include <filesystem>
#include <fstream>
#include <random>

#include "moderation/fasttext_classifier.h"

namespace commentd::training {

base::Status WriteFastTextInput(const std::vector<TrainingExample>& examples,
                                const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return base::InternalError("{}: cannot write training input", path);
  for (const TrainingExample& ex : examples) {
    const std::string line = moderation::FastTextLine(ex.lexical);
    if (line.empty()) continue;
    out << moderation::FastTextLabel(ex.positive) << ' ' << line << '\n';
  }
  if (!out) return base::InternalError("{}: write failed", path);
  return base::OkStatus();
}

std::vector<size_t> TrainingOrder(size_t n, uint64_t seed) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937_64 random(seed);
  // Modulo rather than std::uniform_int_distribution, whose algorithm the
  // standard leaves to the library: the tiny bias does not matter here,
  // the same order everywhere does.
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[random() % i]);
  return order;
}

base::Status TrainFastTextModel(const std::vector<TrainingExample>& examples,
                                const FastTextTrainOptions& options, const std::string& scratch_dir,
                                const std::string& out_path) {
  size_t positives = 0;
  for (const TrainingExample& ex : examples) positives += ex.positive ? 1 : 0;
  if (positives == 0 || positives == examples.size()) {
    return base::InvalidArgumentError("training needs both classes: {} examples, {} positive",
                                      examples.size(), positives);
  }
  std::error_code ec;
  std::filesystem::create_directories(scratch_dir, ec);
  const std::string input = (std::filesystem::path(scratch_dir) / "train.txt").string();
  std::vector<TrainingExample> shuffled;
  shuffled.reserve(examples.size());
  for (size_t i : TrainingOrder(examples.size(), static_cast<uint64_t>(options.seed))) {
    shuffled.push_back(examples[i]);
  }
  COMMENTD_RETURN_IF_ERROR(WriteFastTextInput(shuffled, input));
  try {
    fasttext::Args args;
    args.input = input;
    args.output = out_path;
    args.model = fasttext::model_name::sup;
    args.loss = fasttext::loss_name::softmax;
    args.dim = options.dim;
    args.epoch = options.epoch;
    args.lr = options.lr;
    args.wordNgrams = options.word_ngrams;
    args.minn = options.minn;
    args.maxn = options.maxn;
    args.minCount = options.min_count;
    args.bucket = options.bucket;
    args.seed = options.seed;
    args.thread = 1;  // determinism: one thread, fixed seed
    args.verbose = 0;
    fasttext::FastText fasttext;
    fasttext.train(args);
    if (options.cutoff > 0) {
      fasttext::Args qargs = args;
      qargs.cutoff = options.cutoff;
      qargs.retrain = true;
      qargs.qnorm = true;
      qargs.qout = false;
      qargs.dsub = options.dsub;
      qargs.epoch = options.epoch;
      qargs.lr = options.lr;
      fasttext.quantize(qargs);
    }
    fasttext.saveModel(out_path);
  } catch (const std::exception& e) {
    return base::InternalError("training {} failed: {}", out_path, e.what());
  }
  return base::OkStatus();
}

}  // namespace commentd::training

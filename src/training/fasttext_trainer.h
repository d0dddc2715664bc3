// Training of the fastText models that moderation::FastTextClassifier loads.
//
// Offline only: `commentd train` calls it; the server and the engine never
// link it. Each example's lexical view is cut by moderation::FastTextLine, the
// function the scorer uses, and labelled with moderation::FastTextLabel, so a
// model sees at run time exactly the tokens it learned from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace commentd::training {

// Hyperparameters of one training run; the defaults are the shipped models'.
struct FastTextTrainOptions {
  int dim = 32;
  int epoch = 10;
  double lr = 0.3;
  int word_ngrams = 2;
  int minn = 2;  // character n-grams; 0 turns them off
  int maxn = 4;
  int min_count = 1;
  int bucket = 2000000;
  int seed = 1;  // with one thread, the same input gives the same model
  // Quantization (product quantization of the input matrix, feature cutoff,
  // retraining after cutoff, normalized vectors). cutoff 0: no quantization,
  // the output is a plain .bin model.
  int cutoff = 100000;
  int dsub = 2;
};

// One labeled line of training input: a comment's lexical view.
struct TrainingExample {
  std::string lexical;
  bool positive = false;
};

// Writes `examples` as a fastText supervised input file at `path`, one
// "__label__yes|no token token ..." line each; an example without tokens
// is left out. kInternal naming `path` when it cannot be written.
base::Status WriteFastTextInput(const std::vector<TrainingExample>& examples,
                                const std::string& path);

// The order in which TrainFastTextModel writes `n` examples: a permutation
// of 0..n-1 by a Fisher-Yates shuffle driven by std::mt19937_64(seed), whose
// output the C++ standard fixes, so the order (and the model) is the same on
// every platform. Why shuffle: one fastText thread reads its input in file
// order while the learning rate decays, so examples grouped by corpus would
// leave the model tilted towards the corpora read last.
std::vector<size_t> TrainingOrder(size_t n, uint64_t seed);

// Trains a model on `examples` (written in TrainingOrder(examples.size(),
// options.seed) to `scratch_dir` as a fastText input file) and saves it at `out_path` (quantized
// when options.cutoff > 0). kInvalidArgument when `examples` lacks either class; kInternal naming
// the cause when fastText fails or a file cannot be written. The caller removes `scratch_dir`.
base::Status TrainFastTextModel(const std::vector<TrainingExample>& examples,
                                const FastTextTrainOptions& options, const std::string& scratch_dir,
                                const std::string& out_path);

}  // namespace commentd::training

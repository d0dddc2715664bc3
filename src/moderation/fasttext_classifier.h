// FastTextClassifier: the fastText adapter behind moderation::Classifier, and
// the training entry point that makes its model files.
//
// Models read the Normalizer's lexical view, cut into tokens by
// FastTextTokens: Latin/Cyrillic/... words, digits, each punctuation mark and
// each CJK character (Hangul syllable, Han, Kana) on its own, so Korean,
// Chinese and Japanese need no word segmenter. Training and scoring use the
// same function, so a model sees at run time exactly what it learned from.
// fastText itself stays inside fasttext_classifier.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "moderation/classifier.h"
#include "text/normalizer.h"

namespace commentd::moderation {

// One token of a lexical view: its text and its byte range in that view.
struct FastTextToken {
  std::string_view text;
  uint32_t begin = 0;
  uint32_t end = 0;
};

// Cuts `lexical` (UTF-8) into model tokens. The views point into `lexical`,
// which must outlive them. Invalid UTF-8 bytes are skipped.
std::vector<FastTextToken> FastTextTokens(std::string_view lexical);

// The tokens joined by single spaces: one line of fastText input.
std::string FastTextLine(std::string_view lexical);

// Scores comments with one binary fastText model (labels __label__yes /
// __label__no). Immutable after Create; Thread-safe.
class FastTextClassifier final : public Classifier {
 public:
  // Loads a .bin or .ftz model. kNotFound when `path` is absent;
  // kInvalidArgument when it is not a fastText model or lacks __label__yes.
  static base::Result<std::unique_ptr<FastTextClassifier>> Create(const std::string& path);

  ~FastTextClassifier() override;

  // Probability of __label__yes. The evidence is the token that pushes
  // hardest towards yes (its row in the model's input matrix, dotted with
  // the difference of the two output rows); it is computed only when the
  // probability is at least 0.5 and is empty otherwise.
  ClassifierScore Score(const text::NormalizedText& lexical) const override;

  // Probability only, from a plain lexical string (for eval and benchmarks).
  double Probability(std::string_view lexical) const;

  // The same probability computed by fastText's own reader and predictor,
  // several times slower; the reference the fast path is tested against.
  double ProbabilityByFastText(std::string_view lexical) const;

 private:
  struct Model;
  explicit FastTextClassifier(std::unique_ptr<Model> model);
  std::unique_ptr<Model> model_;
};

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

// Trains a model on `examples` (written to `scratch_dir` as a fastText input
// file) and saves it at `out_path` (quantized when options.cutoff > 0).
// kInvalidArgument when `examples` lacks either class; kInternal naming the
// cause when fastText fails or a file cannot be written.
base::Status TrainFastTextModel(const std::vector<TrainingExample>& examples,
                                const FastTextTrainOptions& options, const std::string& scratch_dir,
                                const std::string& out_path);

}  // namespace commentd::moderation

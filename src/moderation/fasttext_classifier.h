// FastTextClassifier: the fastText adapter behind moderation::Classifier. The
// model files are made offline by training::TrainFastTextModel
// (src/training/), which cuts its input with the same FastTextTokens.
//
// Models read the Normalizer's lexical view, cut into tokens by
// FastTextTokens: Latin/Cyrillic/... words, digits, each punctuation mark and
// each CJK character (Hangul syllable, Han, Kana) on its own, so Korean,
// Chinese and Japanese need no word segmenter. Training and scoring use the
// same function, so a model sees at run time exactly what it learned from.
// fastText itself stays inside this adapter and the trainer.
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
  ClassifierScore Score(std::string_view model_text,
                        const text::NormalizedText& lexical) const override;
  using Classifier::Score;

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

// The label a model file gives comments that break its rule (`positive`) or
// do not: "__label__yes" / "__label__no". Training writes them; Create
// requires exactly these two.
std::string_view FastTextLabel(bool positive);

}  // namespace commentd::moderation

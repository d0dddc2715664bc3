// TrainingSets: the input of each model `commentd train` makes, gathered
// corpus by corpus from the train splits, on what the engine's classifiers
// read at run time (Moderator::ModelText).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "moderation/moderator.h"
#include "training/datasets.h"
#include "training/fasttext_trainer.h"

namespace commentd::training {

// The ad corpora are YouTube comments and SMS; news comments are not ads,
// so up to this many clean train comments of each language corpus also
// teach the ad model what a normal comment is.
inline constexpr size_t kCleanForAdsPerCorpus = 2000;

// What Add took from one corpus.
struct AddedExamples {
  size_t used = 0;        // train comments added to the corpus's own model
  size_t unreadable = 0;  // train comments skipped: not UTF-8
  size_t thinned = 0;     // positives left out to balance the corpus (see Add)
};

// Owned by one thread.
class TrainingSets {
 public:
  // `moderator` gives the model text (ModelText) and must outlive this;
  // `commentd train` builds it from Policy::Default() without classifiers,
  // so training sees what scoring sees.
  explicit TrainingSets(const moderation::Moderator& moderator) : moderator_(moderator) {}

  // Adds the train split of `dataset` to its task's model (named by
  // TaskName) and, for a language corpus, its first kCleanForAdsPerCorpus
  // clean comments to the ad model as well. A language corpus with more
  // positives than clean train comments gives only as many positives as it
  // has clean comments, evenly spread over its file (its style must not
  // become the signal). With `repeat` > 1 each train
  // comment goes `repeat` times into its own model (fastText has no example
  // weights: repetition up-weights a corpus, e.g. news comments); the ad
  // model's clean comments are not repeated. `used` counts comments, not
  // repetitions.
  AddedExamples Add(const Dataset& dataset, size_t repeat = 1);

  // The examples of `model` ("advertisement", "inappropriate_language");
  // nullptr when no corpus added so far trains it.
  const std::vector<TrainingExample>* Examples(std::string_view model) const;

 private:
  const moderation::Moderator& moderator_;
  std::map<std::string, std::vector<TrainingExample>, std::less<>> per_model_;
  std::map<std::string, size_t> clean_for_ads_;  // by corpus name
};

}  // namespace commentd::training

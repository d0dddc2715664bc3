// Evaluator: how `commentd eval` measures the engine on the labeled corpora,
// three ways: the rules alone (the Moderator without classifiers), each
// model alone (at 0.5 and at the policy's thresholds), and the combined
// policy (the Moderator with the classifiers). It counts per corpus, pools
// the counts per model and language, and keeps every model's probabilities
// for the tuner.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "moderation/fasttext_classifier.h"
#include "moderation/moderator.h"
#include "moderation/policy.h"
#include "training/datasets.h"
#include "training/metrics.h"
#include "training/tuner.h"

namespace commentd::training {

// The systems measured on every corpus, in report order. "model@0.5" and
// "model" are present only where a model for the corpus's task was loaded;
// "combined" too (without a model it would repeat "rules").
inline constexpr std::array<std::string_view, 4> kSystems = {"rules", "model@0.5", "model",
                                                             "combined"};

// The counts of each system, by its name in kSystems.
using SystemCounts = std::map<std::string, DecisionCounts, std::less<>>;

// The models in a folder, by task: <dir>/<TaskName>.ftz, each when present.
using Models = std::map<Task, std::shared_ptr<const moderation::FastTextClassifier>>;

// Loads the models found in `models_dir`; a missing file is left out (and a
// missing folder gives no models). The errors of FastTextClassifier::Create
// for a file that is there but not a model.
base::Result<Models> LoadModels(const std::string& models_dir);

// Owned by one thread.
class Evaluator {
 public:
  // Builds the two Moderators from `policy` and `models`.
  // With `keep_tuning_scores`, Evaluate also keeps what the tuner needs.
  // Fails as text::Normalizer::Create or moderation::Moderator::Create do.
  static base::Result<Evaluator> Create(moderation::Policy policy, Models models,
                                        bool keep_tuning_scores);

  // Measures every system on the comments of `dataset` in `split` (timing
  // each), adds them to the pooled counts and returns this corpus's counts.
  SystemCounts Evaluate(const Dataset& dataset, Split split);

  // The counts pooled by (task, language of the corpus) over every Evaluate.
  const std::map<std::pair<Task, std::string>, SystemCounts>& pooled() const { return pooled_; }

  // The clean comments of every corpus but Davidson (its clean tweets were
  // sampled by a slur lexicon), pooled by the corpus's language, under
  // "rules" and "combined" (the latter from the corpora whose model was
  // loaded): the per-language budget of clean comments deleted and
  // held.
  const std::map<std::string, SystemCounts>& clean_by_language() const {
    return clean_by_language_;
  }

  // For the tuner, every model's probabilities on the clean comments of
  // every corpus (an ad model must also stay quiet on clean news comments,
  // and a language model on clean spam-corpus messages) and on its own
  // corpora's positives, with what the rules decided. Davidson's clean
  // tweets are left out: they were sampled by a slur lexicon. Empty unless
  // created with keep_tuning_scores.
  const std::map<Task, std::vector<ScoredComment>>& tuning_scores() const { return tuning_scores_; }

 private:
  Evaluator(moderation::Policy policy, Models models,
            std::shared_ptr<const moderation::Moderator> rules,
            std::shared_ptr<const moderation::Moderator> combined, bool keep_tuning_scores);

  // The probability of `task`'s model for `text` as the engine computes it
  // (on Moderator::ModelText for the task's rule under the measured policy);
  // nullopt when the text cannot be normalized.
  std::optional<double> Probability(const moderation::FastTextClassifier& model, Task task,
                                    std::string_view text) const;

  moderation::Policy policy_;
  Models models_;
  std::shared_ptr<const moderation::Moderator> rules_;
  std::shared_ptr<const moderation::Moderator> combined_;
  bool keep_tuning_scores_;
  std::map<std::pair<Task, std::string>, SystemCounts> pooled_;
  std::map<Task, std::vector<ScoredComment>> tuning_scores_;
  std::map<std::string, SystemCounts> clean_by_language_;
};

}  // namespace commentd::training

#include "training/training_sets.h"

namespace commentd::training {

AddedExamples TrainingSets::Add(const Dataset& dataset, size_t repeat) {
  AddedExamples added;
  const std::string own(TaskName(dataset.task));
  // A language corpus with more positives than clean comments (Civil
  // Comments' span set is 70% toxic, Davidson's tweets 80% offensive) would
  // teach the model its style ("a news comment is toxic"): its positives are
  // thinned, evenly over the file, to as many as its clean comments.
  size_t positives = 0;
  size_t negatives = 0;
  for (const Example& ex : dataset.examples) {
    if (ex.split == Split::kTrain) ++(ex.positive ? positives : negatives);
  }
  const bool thin = dataset.task == Task::kInappropriateLanguage && positives > negatives;
  size_t positive_index = 0;
  for (const Example& ex : dataset.examples) {
    if (ex.split != Split::kTrain) continue;
    if (thin && ex.positive) {
      // Keep the i-th positive when floor(i * negatives / positives) steps.
      const size_t i = positive_index++;
      if ((i + 1) * negatives / positives == i * negatives / positives) {
        ++added.thinned;
        continue;
      }
    }
    std::optional<std::string> model_text = moderator_.ModelText(ex.text, RuleOf(dataset.task));
    if (!model_text.has_value()) {
      ++added.unreadable;
      continue;
    }
    std::string lexical = std::move(*model_text);
    if (dataset.task == Task::kInappropriateLanguage && !ex.positive &&
        clean_for_ads_[dataset.name] < kCleanForAdsPerCorpus) {
      // The ad model masks other spans (codes, amounts) than the language model.
      std::optional<std::string> ad_text =
          moderator_.ModelText(ex.text, moderation::Rule::kAdvertisement);
      ++clean_for_ads_[dataset.name];
      per_model_[std::string(TaskName(Task::kAdvertisement))].push_back(
          {std::move(*ad_text), false});
    }
    std::vector<TrainingExample>& examples = per_model_[own];
    for (size_t i = 1; i < repeat; ++i) examples.push_back({lexical, ex.positive});
    examples.push_back({std::move(lexical), ex.positive});
    ++added.used;
  }
  return added;
}

const std::vector<TrainingExample>* TrainingSets::Examples(std::string_view model) const {
  auto it = per_model_.find(model);
  return it == per_model_.end() ? nullptr : &it->second;
}

}  // namespace commentd::training

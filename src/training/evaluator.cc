#include "training/evaluator.h"

#include <chrono>
#include <filesystem>

#include "text/language.h"

namespace commentd::training {

namespace fs = std::filesystem;
using moderation::Decision;

base::Result<Models> LoadModels(const std::string& models_dir) {
  Models models;
  for (Task task : {Task::kAdvertisement, Task::kInappropriateLanguage}) {
    const fs::path path = fs::path(models_dir) / (std::string(TaskName(task)) + ".ftz");
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    COMMENTD_ASSIGN_OR_RETURN(auto model, moderation::FastTextClassifier::Create(path.string()));
    models[task] = std::move(model);
  }
  return models;
}

base::Result<Evaluator> Evaluator::Create(moderation::Policy policy, Models models,
                                          bool keep_tuning_scores) {
  COMMENTD_ASSIGN_OR_RETURN(auto rules, moderation::Moderator::Create(policy));
  moderation::Classifiers classifiers;
  if (auto it = models.find(Task::kAdvertisement); it != models.end()) {
    classifiers.advertisement = it->second;
  }
  if (auto it = models.find(Task::kInappropriateLanguage); it != models.end()) {
    classifiers.inappropriate_language = it->second;
  }
  COMMENTD_ASSIGN_OR_RETURN(auto combined, moderation::Moderator::Create(policy, classifiers));
  return Evaluator(std::move(policy), std::move(models), std::move(rules), std::move(combined),
                   keep_tuning_scores);
}

Evaluator::Evaluator(moderation::Policy policy, Models models,
                     std::shared_ptr<const moderation::Moderator> rules,
                     std::shared_ptr<const moderation::Moderator> combined, bool keep_tuning_scores)
    : policy_(std::move(policy)),
      models_(std::move(models)),
      rules_(std::move(rules)),
      combined_(std::move(combined)),
      keep_tuning_scores_(keep_tuning_scores) {}

std::optional<double> Evaluator::Probability(const moderation::FastTextClassifier& model, Task task,
                                             std::string_view text) const {
  // What the engine's classifiers read: the rules Moderator (the policy,
  // no classifiers) masks the spans the policy judges innocent.
  const std::optional<std::string> model_text = rules_->ModelText(text, RuleOf(task));
  if (!model_text.has_value()) return std::nullopt;
  return model.Probability(*model_text);
}

SystemCounts Evaluator::Evaluate(const Dataset& dataset, Split split) {
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  std::vector<const Example*> examples;
  for (const Example& ex : dataset.examples) {
    if (ex.split == split) examples.push_back(&ex);
  }
  SystemCounts cells;
  std::vector<Decision> rules_decisions;
  rules_decisions.reserve(examples.size());
  auto t0 = Clock::now();
  for (const Example* ex : examples) {
    rules_decisions.push_back(rules_->Evaluate(ex->text).decision);
    cells["rules"].Add(ex->positive, rules_decisions.back());
  }
  cells["rules"].seconds = seconds_since(t0);
  if (dataset.name != "davidson") {
    for (size_t i = 0; i < examples.size(); ++i) {
      if (!examples[i]->positive) {
        clean_by_language_[dataset.language]["rules"].Add(false, rules_decisions[i]);
      }
    }
  }
  if (keep_tuning_scores_) {
    for (const auto& [task, model] : models_) {
      for (size_t i = 0; i < examples.size(); ++i) {
        const Example* ex = examples[i];
        if (ex->positive ? task != dataset.task : dataset.name == "davidson") continue;
        const std::optional<double> p = Probability(*model, task, ex->text);
        if (!p.has_value()) continue;
        tuning_scores_[task].push_back(ScoredComment{.language = text::GuessLanguage(ex->text),
                                                     .positive = ex->positive,
                                                     .probability = *p,
                                                     .rules = rules_decisions[i]});
      }
    }
  }
  if (auto it = models_.find(dataset.task); it != models_.end()) {
    const moderation::FastTextClassifier& model = *it->second;
    const bool ad = dataset.task == Task::kAdvertisement;
    t0 = Clock::now();
    for (const Example* ex : examples) {
      const double p = Probability(model, dataset.task, ex->text).value_or(0.0);
      cells["model@0.5"].Add(ex->positive, p >= 0.5 ? Decision::kDelete : Decision::kPublish);
      const std::string_view language = text::GuessLanguage(ex->text);
      const moderation::ClassifierThresholds t =
          ad ? policy_.advertisement.Classifier(language) : policy_.language.Classifier(language);
      cells["model"].Add(ex->positive, p >= t.delete_threshold ? Decision::kDelete
                                       : p >= t.hold_threshold ? Decision::kHold
                                                               : Decision::kPublish);
    }
    cells["model"].seconds = seconds_since(t0);
    t0 = Clock::now();
    std::vector<Decision> combined_decisions;
    combined_decisions.reserve(examples.size());
    for (const Example* ex : examples) {
      combined_decisions.push_back(combined_->Evaluate(ex->text).decision);
      cells["combined"].Add(ex->positive, combined_decisions.back());
    }
    cells["combined"].seconds = seconds_since(t0);
    if (dataset.name != "davidson") {
      for (size_t i = 0; i < examples.size(); ++i) {
        if (!examples[i]->positive) {
          clean_by_language_[dataset.language]["combined"].Add(false, combined_decisions[i]);
        }
      }
    }
  }
  SystemCounts& pooled = pooled_[{dataset.task, dataset.language}];
  for (const auto& [system, counts] : cells) pooled[system].Merge(counts);
  return cells;
}

}  // namespace commentd::training

// The Evaluator on generated corpora: which systems it measures, what it
// pools and which comments it keeps for the tuner.
#include "training/evaluator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "training/fasttext_trainer.h"

namespace commentd::training {
namespace {

namespace fs = std::filesystem;

Dataset Corpus(std::string name, Task task, std::string language = "en") {
  Dataset ds;
  ds.name = std::move(name);
  ds.language = std::move(language);
  ds.task = task;
  return ds;
}

// A tiny ad model trained in the test (spam words vs. chat words).
std::shared_ptr<const moderation::FastTextClassifier> TinyAdModel() {
  // Per process: other checkouts may run this test at the same time.
  const fs::path dir =
      fs::temp_directory_path() / ("commentd_evaluator_test_model_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::vector<TrainingExample> examples;
  for (int i = 0; i < 30; ++i) {
    examples.push_back({"buy cheap pills now", true});
    examples.push_back({"thanks for the report", false});
  }
  FastTextTrainOptions options;
  options.dim = 8;
  options.epoch = 5;
  options.bucket = 10000;
  options.cutoff = 0;
  const std::string path = (dir / "advertisement.bin").string();
  const base::Status status = TrainFastTextModel(examples, options, dir.string(), path);
  EXPECT_TRUE(status.ok()) << status.ToString();
  auto model = moderation::FastTextClassifier::Create(path);
  fs::remove_all(dir);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model.ok() ? std::shared_ptr<const moderation::FastTextClassifier>(std::move(*model))
                    : nullptr;
}

TEST(EvaluatorTest, WithoutModelsMeasuresTheRulesOnTheChosenSplitAndPoolsByLanguage) {
  auto evaluator = Evaluator::Create(moderation::Policy::Default(), {}, false);
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  Dataset olid = Corpus("olid", Task::kInappropriateLanguage);
  olid.examples = {{"thanks for the careful report", false, Split::kTest},
                   {"a train row", true, Split::kTrain},
                   {"another clean one", false, Split::kTest}};
  Dataset davidson = Corpus("davidson", Task::kInappropriateLanguage);
  davidson.examples = {{"good point", false, Split::kTest}};

  const SystemCounts olid_counts = evaluator->Evaluate(olid, Split::kTest);
  ASSERT_EQ(olid_counts.size(), 1u);
  EXPECT_EQ(olid_counts.at("rules").n(), 2u);
  EXPECT_EQ(olid_counts.at("rules").positives(), 0u);
  evaluator->Evaluate(davidson, Split::kTest);

  const auto& pooled = evaluator->pooled();
  ASSERT_EQ(pooled.size(), 1u);
  EXPECT_EQ(pooled.at({Task::kInappropriateLanguage, "en"}).at("rules").n(), 3u);
  EXPECT_TRUE(evaluator->tuning_scores().empty());
  // The per-language clean pool leaves Davidson's clean tweets out.
  ASSERT_EQ(evaluator->clean_by_language().count("en"), 1u);
  EXPECT_EQ(evaluator->clean_by_language().at("en").at("rules").clean(), 2u);
  EXPECT_EQ(evaluator->clean_by_language().at("en").count("combined"), 0u);  // no model
}

TEST(EvaluatorTest, AModelAddsItsSystemsOnItsOwnTaskAndTheTunerSeesCleanCommentsOfEveryCorpus) {
  auto model = TinyAdModel();
  ASSERT_NE(model, nullptr);
  auto evaluator =
      Evaluator::Create(moderation::Policy::Default(), {{Task::kAdvertisement, model}}, true);
  ASSERT_TRUE(evaluator.ok()) << evaluator.status().ToString();
  Dataset sms = Corpus("sms", Task::kAdvertisement);
  sms.examples = {{"buy cheap pills now", true, Split::kTest},
                  {"thanks for the report", false, Split::kTest}};
  Dataset olid = Corpus("olid", Task::kInappropriateLanguage);
  olid.examples = {{"you idiot", true, Split::kTest}, {"fair report", false, Split::kTest}};
  Dataset davidson = Corpus("davidson", Task::kInappropriateLanguage);
  davidson.examples = {{"a clean tweet", false, Split::kTest}};

  const SystemCounts sms_counts = evaluator->Evaluate(sms, Split::kTest);
  for (std::string_view system : kSystems) {
    SCOPED_TRACE(system);
    ASSERT_EQ(sms_counts.count(system), 1u);
    EXPECT_EQ(sms_counts.find(system)->second.n(), 2u);
  }
  EXPECT_EQ(sms_counts.at("model@0.5").tp, 1u);  // the model separates its own lines
  EXPECT_EQ(sms_counts.at("model@0.5").tn, 1u);
  EXPECT_GT(sms_counts.at("model").seconds, 0.0);
  EXPECT_EQ(sms_counts.at("model@0.5").seconds, 0.0);  // timed together with "model"

  const SystemCounts olid_counts = evaluator->Evaluate(olid, Split::kTest);
  EXPECT_EQ(olid_counts.size(), 1u);  // no language model: the rules only
  evaluator->Evaluate(davidson, Split::kTest);

  // The ad model's tuning set: sms's positive and clean comment, olid's
  // clean comment; not olid's positive (another task's) nor davidson's.
  ASSERT_EQ(evaluator->tuning_scores().size(), 1u);
  const std::vector<ScoredComment>& scores = evaluator->tuning_scores().at(Task::kAdvertisement);
  ASSERT_EQ(scores.size(), 3u);
  EXPECT_TRUE(scores[0].positive);
  EXPECT_GT(scores[0].probability, 0.5);
  EXPECT_FALSE(scores[1].positive);
  EXPECT_FALSE(scores[2].positive);
  EXPECT_EQ(scores[2].language, "en");
}

TEST(EvaluatorTest, LoadModelsOfAMissingFolderFindsNone) {
  auto models = LoadModels("/nonexistent/commentd/models");
  ASSERT_TRUE(models.ok()) << models.status().ToString();
  EXPECT_TRUE(models->empty());
}

TEST(EvaluatorTest, LoadModelsFindsTheShippedModelsByTaskName) {
  auto models = LoadModels(COMMENTD_SOURCE_DIR "/models");
  ASSERT_TRUE(models.ok()) << models.status().ToString();
  EXPECT_EQ(models->size(), 2u);
  EXPECT_EQ(models->count(Task::kAdvertisement), 1u);
  EXPECT_EQ(models->count(Task::kInappropriateLanguage), 1u);
}

}  // namespace
}  // namespace commentd::training

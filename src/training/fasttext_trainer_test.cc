// TrainFastTextModel: the models it makes load in FastTextClassifier and
// separate what they were taught; the input file it writes is what the
// scorer's tokenizer makes of each example.
#include "training/fasttext_trainer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "moderation/fasttext_classifier.h"
#include "text/normalizer.h"

namespace commentd::training {
namespace {

namespace fs = std::filesystem;
using moderation::ClassifierScore;
using moderation::FastTextClassifier;

TEST(WriteFastTextInputTest, WritesOneLabelledTokenLinePerExampleAndSkipsEmptyOnes) {
  const fs::path path = fs::temp_directory_path() /
                        ("commentd_fasttext_input_test_" + std::to_string(::getpid()) + ".txt");
  const std::vector<TrainingExample> examples = {
      {"buy now!", true}, {"   ", false}, {"좋은 기사", false}};
  ASSERT_TRUE(WriteFastTextInput(examples, path.string()).ok());
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  fs::remove(path);
  EXPECT_EQ(contents.str(), "__label__yes buy now !\n__label__no 좋 은 기 사\n");
}

TEST(WriteFastTextInputTest, UnwritablePathIsInternalNamingIt) {
  const base::Status status = WriteFastTextInput({{"a", true}}, "/nonexistent/commentd/train.txt");
  EXPECT_EQ(status.code(), base::StatusCode::kInternal);
  EXPECT_NE(status.message().find("/nonexistent/commentd/train.txt"), std::string::npos);
}

TEST(TrainingOrderTest, IsAPermutationThatDependsOnlyOnTheSeed) {
  const std::vector<size_t> order = TrainingOrder(100, 1);
  std::vector<size_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) EXPECT_EQ(sorted[i], i);
  EXPECT_EQ(TrainingOrder(100, 1), order);
  EXPECT_NE(TrainingOrder(100, 2), order);
  size_t in_place = 0;
  for (size_t i = 0; i < order.size(); ++i) in_place += order[i] == i ? 1 : 0;
  EXPECT_LT(in_place, 10u);  // shuffled, not the corpus order
  EXPECT_TRUE(TrainingOrder(0, 1).empty());
}

TEST(TrainFastTextModelTest, RefusesOneClassData) {
  std::vector<TrainingExample> examples = {{"hello", false}, {"world", false}};
  const fs::path dir = fs::temp_directory_path() / "commentd_train_one_class";
  auto status = TrainFastTextModel(examples, {}, dir.string(), (dir / "m.ftz").string());
  fs::remove_all(dir);
  EXPECT_EQ(status.code(), base::StatusCode::kInvalidArgument);
}

// Trains a tiny model on generated text (spam words vs. chat words) in a
// temp dir, then loads it through Create and checks that it separates them
// and points its evidence at a spam word.
TEST(TrainFastTextModelTest, TrainsAModelThatLoadsAndSeparatesTheClasses) {
  const fs::path dir = fs::temp_directory_path() / "commentd_train_tiny";
  fs::remove_all(dir);
  std::vector<TrainingExample> examples;
  const std::vector<std::string> spam = {"buy cheap pills", "cheap watches buy now",
                                         "click to win cash", "win cash buy now"};
  const std::vector<std::string> chat = {"great article thanks", "i disagree with the author",
                                         "the minister should resign", "thanks for the report"};
  for (int copy = 0; copy < 30; ++copy) {
    for (const auto& s : spam) examples.push_back({s, true});
    for (const auto& s : chat) examples.push_back({s, false});
  }
  FastTextTrainOptions options;
  options.dim = 8;
  options.epoch = 20;
  options.bucket = 10000;
  options.cutoff = 0;  // quantization needs more rows than this
  const std::string model = (dir / "tiny.bin").string();
  ASSERT_TRUE(TrainFastTextModel(examples, options, dir.string(), model).ok());
  auto classifier = FastTextClassifier::Create(model);
  ASSERT_TRUE(classifier.ok()) << classifier.status().ToString();
  EXPECT_GT((*classifier)->Probability("buy cheap cash"), 0.8);
  EXPECT_LT((*classifier)->Probability("thanks for the article"), 0.2);

  auto normalizer = text::Normalizer::Create();
  ASSERT_TRUE(normalizer.ok());
  const std::string comment = "Great report. BUY cheap now";
  auto folded = normalizer->Fold(comment);
  ASSERT_TRUE(folded.ok());
  const text::NormalizedText lexical = normalizer->Lexical(*folded);
  const ClassifierScore score = (*classifier)->Score(lexical);
  EXPECT_GT(score.probability, 0.5);
  const std::string evidence = comment.substr(score.evidence.begin, score.evidence.size());
  EXPECT_TRUE(evidence == "BUY" || evidence == "cheap" || evidence == "now") << evidence;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace commentd::training

#include "training/training_sets.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "moderation/policy.h"

namespace commentd::training {
namespace {

Dataset Corpus(std::string name, Task task) {
  Dataset ds;
  ds.name = std::move(name);
  ds.language = "en";
  ds.task = task;
  return ds;
}

class TrainingSetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto moderator = moderation::Moderator::Create(moderation::Policy::Default());
    ASSERT_TRUE(moderator.ok()) << moderator.status().ToString();
    moderator_ = std::move(*moderator);
  }
  std::shared_ptr<const moderation::Moderator> moderator_;
};

TEST_F(TrainingSetsTest, UsesOnlyTheTrainSplitOnTheModelText) {
  TrainingSets sets(*moderator_);
  Dataset sms = Corpus("sms", Task::kAdvertisement);
  sms.examples = {{"WIN Cash NOW", true, Split::kTrain},
                  {"see you", false, Split::kTrain},
                  {"test row", true, Split::kTest},
                  {"dev row", false, Split::kDev}};
  const AddedExamples added = sets.Add(sms);
  EXPECT_EQ(added.used, 2u);
  EXPECT_EQ(added.unreadable, 0u);
  const auto* ads = sets.Examples("advertisement");
  ASSERT_NE(ads, nullptr);
  ASSERT_EQ(ads->size(), 2u);
  EXPECT_EQ((*ads)[0].lexical,
            moderator_->ModelText("WIN Cash NOW", moderation::Rule::kAdvertisement).value());
  EXPECT_TRUE((*ads)[0].positive);
  EXPECT_FALSE((*ads)[1].positive);
  EXPECT_EQ(sets.Examples("inappropriate_language"), nullptr);
}

TEST_F(TrainingSetsTest, SkipsAndCountsCommentsThatAreNotUtf8) {
  TrainingSets sets(*moderator_);
  Dataset sms = Corpus("sms", Task::kAdvertisement);
  sms.examples = {{"ok", false, Split::kTrain}, {"bad \xFF byte", true, Split::kTrain}};
  const AddedExamples added = sets.Add(sms);
  EXPECT_EQ(added.used, 1u);
  EXPECT_EQ(added.unreadable, 1u);
}

TEST_F(TrainingSetsTest, CleanLanguageCommentsAlsoTeachTheAdModelUpToTheCapPerCorpus) {
  TrainingSets sets(*moderator_);
  Dataset olid = Corpus("olid", Task::kInappropriateLanguage);
  olid.examples.push_back({"you idiot", true, Split::kTrain});
  for (size_t i = 0; i < kCleanForAdsPerCorpus + 5; ++i) {
    olid.examples.push_back({"good report " + std::to_string(i), false, Split::kTrain});
  }
  Dataset beep = Corpus("beep", Task::kInappropriateLanguage);
  beep.examples = {{"좋은 기사", false, Split::kTrain}};
  EXPECT_EQ(sets.Add(olid).used, kCleanForAdsPerCorpus + 6);
  EXPECT_EQ(sets.Add(beep).used, 1u);

  ASSERT_NE(sets.Examples("inappropriate_language"), nullptr);
  EXPECT_EQ(sets.Examples("inappropriate_language")->size(), kCleanForAdsPerCorpus + 7);
  const auto* ads = sets.Examples("advertisement");
  ASSERT_NE(ads, nullptr);
  EXPECT_EQ(ads->size(), kCleanForAdsPerCorpus + 1);  // the cap from olid, one from beep
  for (const TrainingExample& ex : *ads) EXPECT_FALSE(ex.positive);
}

TEST_F(TrainingSetsTest, ALanguageCorpusGivesNoMorePositivesThanCleanComments) {
  TrainingSets sets(*moderator_);
  Dataset civil = Corpus("civil", Task::kInappropriateLanguage);
  for (int i = 0; i < 9; ++i)
    civil.examples.push_back({fmt::format("bad {}", i), true, Split::kTrain});
  for (int i = 0; i < 3; ++i) {
    civil.examples.push_back({fmt::format("fine {}", i), false, Split::kTrain});
  }
  const AddedExamples added = sets.Add(civil);
  EXPECT_EQ(added.used, 6u);
  EXPECT_EQ(added.thinned, 6u);
  const auto* examples = sets.Examples("inappropriate_language");
  ASSERT_NE(examples, nullptr);
  std::vector<std::string> kept;
  for (const TrainingExample& ex : *examples) {
    if (ex.positive) kept.push_back(ex.lexical);
  }
  // Every third positive, spread over the file rather than its head.
  EXPECT_EQ(kept, (std::vector<std::string>{"bad 2", "bad 5", "bad 8"}));

  Dataset sms = Corpus("sms", Task::kAdvertisement);
  for (int i = 0; i < 3; ++i)
    sms.examples.push_back({fmt::format("win {}", i), true, Split::kTrain});
  sms.examples.push_back({"hello", false, Split::kTrain});
  EXPECT_EQ(sets.Add(sms).thinned, 0u) << "the ad corpora are what spam looks like; kept whole";
}

TEST_F(TrainingSetsTest, RepeatPutsEachTrainCommentThatManyTimesIntoItsOwnModelOnly) {
  TrainingSets sets(*moderator_);
  Dataset civil = Corpus("civil", Task::kInappropriateLanguage);
  civil.examples = {{"you fool", true, Split::kTrain},
                    {"the mayor spoke", false, Split::kTrain},
                    {"held out", true, Split::kDev}};
  const AddedExamples added = sets.Add(civil, 3);
  EXPECT_EQ(added.used, 2u);
  const auto* language = sets.Examples("inappropriate_language");
  ASSERT_NE(language, nullptr);
  ASSERT_EQ(language->size(), 6u);
  EXPECT_EQ((*language)[0].lexical,
            moderator_->ModelText("you fool", moderation::Rule::kInappropriateLanguage).value());
  EXPECT_EQ((*language)[2].lexical,
            moderator_->ModelText("you fool", moderation::Rule::kInappropriateLanguage).value());
  EXPECT_FALSE((*language)[3].positive);
  const auto* ads = sets.Examples("advertisement");
  ASSERT_NE(ads, nullptr);
  EXPECT_EQ(ads->size(), 1u);  // the clean comment once
}

}  // namespace
}  // namespace commentd::training

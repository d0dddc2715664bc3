// The trap suite: innocent news comments that a word list or a learned model
// can mistake for abuse or ads (names and places that contain swear words,
// document codes, order numbers, amounts, dates, platform names in the news),
// one sentence a line in testdata/traps/<language>.txt. The Moderator with
// the shipped models (models/ in the source tree) and the default policy
// must publish every one, except the few that known_failures.tsv lists with
// the reason, which must at least not be deleted.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <set>
#include <string>

#include "moderation/fasttext_classifier.h"
#include "moderation/moderator.h"
#include "moderation/verdict_json.h"

namespace commentd::moderation {
namespace {

std::shared_ptr<const Moderator> ModeratorWithShippedModels() {
  static const std::shared_ptr<const Moderator> moderator =
      []() -> std::shared_ptr<const Moderator> {
    auto ad = FastTextClassifier::Create(COMMENTD_SOURCE_DIR "/models/advertisement.ftz");
    auto lang =
        FastTextClassifier::Create(COMMENTD_SOURCE_DIR "/models/inappropriate_language.ftz");
    EXPECT_TRUE(ad.ok()) << ad.status().ToString();
    EXPECT_TRUE(lang.ok()) << lang.status().ToString();
    if (!ad.ok() || !lang.ok()) return nullptr;
    auto m = Moderator::Create(
        Policy::Default(),
        Classifiers{.advertisement = std::move(*ad), .inappropriate_language = std::move(*lang)});
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : nullptr;
  }();
  return moderator;
}

// testdata/traps/known_failures.tsv: the sentences of `language` that the
// shipped models are known to hold.
std::set<std::string> KnownFailures(const std::string& language) {
  std::set<std::string> known;
  std::ifstream in(COMMENTD_SOURCE_DIR "/testdata/traps/known_failures.tsv");
  EXPECT_TRUE(in.good()) << "testdata/traps/known_failures.tsv is missing";
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab != std::string::npos && line.substr(0, tab) == language) {
      known.insert(line.substr(tab + 1));
    }
  }
  return known;
}

// Evaluates every sentence of testdata/traps/<language>.txt and fails once
// per sentence that is not published, naming the file, the line, the
// decision and the reasons. A known failure must be held (never deleted)
// and fails the test once it is published, so that the list only shrinks.
// Returns how many sentences were read.
int ExpectTrapsPublished(const std::string& language) {
  auto moderator = ModeratorWithShippedModels();
  if (moderator == nullptr) {
    ADD_FAILURE() << "no moderator";
    return 0;
  }
  const std::string path = "testdata/traps/" + language + ".txt";
  std::ifstream in(COMMENTD_SOURCE_DIR "/" + path);
  if (!in) {
    ADD_FAILURE() << path << " is missing";
    return 0;
  }
  const std::set<std::string> known = KnownFailures(language);
  int sentences = 0;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    ++sentences;
    const Verdict v = moderator->Evaluate(line);
    const std::string why =
        fmt::format("{}:{}: {}\n  decided {}, reasons {}", path, line_number, line,
                    DecisionName(v.decision), ReasonsToJson(v.reasons).dump());
    if (known.contains(line)) {
      EXPECT_EQ(v.decision, Decision::kHold)
          << why << "\n  (a known failure: once published, remove it from known_failures.tsv)";
    } else {
      EXPECT_EQ(v.decision, Decision::kPublish) << why;
    }
  }
  return sentences;
}

TEST(TrapsTest, EnglishTrapsArePublishedWithTheShippedModels) {
  EXPECT_GE(ExpectTrapsPublished("en"), 40);
}

TEST(TrapsTest, KoreanTrapsArePublishedWithTheShippedModels) {
  EXPECT_GE(ExpectTrapsPublished("ko"), 40);
}

TEST(TrapsTest, ChineseTrapsArePublishedWithTheShippedModels) {
  EXPECT_GE(ExpectTrapsPublished("zh"), 40);
}

TEST(TrapsTest, JapaneseTrapsArePublishedWithTheShippedModels) {
  EXPECT_GE(ExpectTrapsPublished("ja"), 40);
}

}  // namespace
}  // namespace commentd::moderation

#include "moderation/fasttext_classifier.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "text/normalizer.h"
#include "training/fasttext_trainer.h"

namespace commentd::moderation {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> TokenTexts(std::string_view s) {
  std::vector<std::string> out;
  for (const FastTextToken& t : FastTextTokens(s)) {
    EXPECT_EQ(s.substr(t.begin, t.end - t.begin), t.text);
    out.emplace_back(t.text);
  }
  return out;
}

TEST(FastTextTokensTest, SplitsWordsPunctuationAndEveryCjkCharacter) {
  EXPECT_EQ(TokenTexts("you idiot!!"), (std::vector<std::string>{"you", "idiot", "!", "!"}));
  EXPECT_EQ(TokenTexts("좋은 기사"), (std::vector<std::string>{"좋", "은", "기", "사"}));
  EXPECT_EQ(TokenTexts("加微信abc123"), (std::vector<std::string>{"加", "微", "信", "abc123"}));
  EXPECT_EQ(TokenTexts("バカです"), (std::vector<std::string>{"バ", "カ", "で", "す"}));
  EXPECT_EQ(TokenTexts("  café\tok "), (std::vector<std::string>{"café", "ok"}));
  EXPECT_TRUE(TokenTexts("").empty());
}

TEST(FastTextTokensTest, SkipsInvalidUtf8Bytes) {
  EXPECT_EQ(TokenTexts("ab\xFF"
                       "cd"),
            (std::vector<std::string>{"ab", "cd"}));
  EXPECT_EQ(TokenTexts("\xE4\xB8"), std::vector<std::string>{});
}

TEST(FastTextLineTest, JoinsTokensWithSingleSpaces) {
  EXPECT_EQ(FastTextLine("hi,  욕설"), "hi , 욕 설");
}

TEST(FastTextLabelTest, NamesTheTwoLabelsAModelMustHave) {
  EXPECT_EQ(FastTextLabel(true), "__label__yes");
  EXPECT_EQ(FastTextLabel(false), "__label__no");
}

TEST(FastTextClassifierTest, MissingModelIsNotFound) {
  auto c = FastTextClassifier::Create("/nonexistent/commentd/model.ftz");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), base::StatusCode::kNotFound);
}

TEST(FastTextClassifierTest, GarbageFileIsInvalidArgument) {
  const fs::path path = fs::temp_directory_path() / "commentd_fasttext_garbage.ftz";
  std::ofstream(path, std::ios::binary) << "this is not a fastText model";
  auto c = FastTextClassifier::Create(path.string());
  fs::remove(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), base::StatusCode::kInvalidArgument);
}

// The shipped models, on clear cases written for this test (not taken from
// any dataset), in each language of the publisher.
struct Case {
  const char* model;
  const char* text;
  bool positive;
};

TEST(ShippedModelsTest, DecideClearCasesInEachLanguage) {
  const std::vector<Case> cases = {
      {"inappropriate_language", "you are a fucking idiot, shut up", true},
      {"inappropriate_language", "thank you for this careful report on the border", false},
      {"inappropriate_language", "씨발 꺼져라 병신아", true},
      {"inappropriate_language", "좋은 기사 감사합니다", false},
      {"inappropriate_language", "你他妈的就是个傻逼", true},
      {"inappropriate_language", "感谢记者的详细报道", false},
      {"advertisement", "WIN a FREE prize! call now to claim your cash reward, txt WIN to 80082",
       true},
      {"advertisement", "check out my channel and subscribe for more videos", true},
      {"advertisement", "the sanctions will not change the regime's behaviour", false},
  };
  auto normalizer = text::Normalizer::Create();
  ASSERT_TRUE(normalizer.ok());
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.model) + ": " + c.text);
    const std::string path = std::string(COMMENTD_SOURCE_DIR "/models/") + c.model + ".ftz";
    auto classifier = FastTextClassifier::Create(path);
    ASSERT_TRUE(classifier.ok()) << classifier.status().ToString();
    auto folded = normalizer->Fold(c.text);
    ASSERT_TRUE(folded.ok());
    const ClassifierScore score = (*classifier)->Score(normalizer->Lexical(*folded));
    if (c.positive) {
      EXPECT_GE(score.probability, 0.5);
      EXPECT_GT(score.evidence.size(), 0u);
    } else {
      EXPECT_LT(score.probability, 0.5);
    }
  }
}

// The fast scorer reads the model's rows itself; it must give the
// probability fastText's own reader and predictor give, for both shipped
// models (quantized and pruned) and for the trained-in-test unpruned one,
// on every comment of the benchmark corpus and on edge cases.
std::vector<std::string> ScorerInputs() {
  std::vector<std::string> inputs = {
      "",
      " ",
      std::string("a\0b", 3),
      "__label__yes",
      "__label__no spam",
      "</s>",
      "supercalifragilisticexpialidocious",
      "idiot idiot idiot",
      "b u y n o w",
      "씨발",
      "시발점",
      "操场",
      "お前",
      "😀😀 emoji",
      "x",
      "ab",
      "中",
      std::string(300, 'z'),
      "http://example.com/path?q=1",
      "12345 67890",
      "ÀÉÎÕÜ ñ ß",
      "ㅋㅋㅋㅋ",
      "加微信加微信",
  };
  std::ifstream in(COMMENTD_SOURCE_DIR "/bench/corpus/mixed.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("text") && j["text"].is_string()) {
      inputs.push_back(j["text"].get<std::string>());
    }
  }
  return inputs;
}

void ExpectSameAsFastText(const FastTextClassifier& classifier) {
  auto normalizer = text::Normalizer::Create();
  ASSERT_TRUE(normalizer.ok());
  const std::vector<std::string> inputs = ScorerInputs();
  ASSERT_GT(inputs.size(), 40u) << "bench/corpus/mixed.jsonl missing";
  for (const std::string& input : inputs) {
    SCOPED_TRACE(input);
    auto folded = normalizer->Fold(input);
    if (!folded.ok()) continue;
    const std::string lexical(normalizer->Lexical(*folded).text());
    EXPECT_NEAR(classifier.Probability(lexical), classifier.ProbabilityByFastText(lexical), 1e-5);
    EXPECT_NEAR(classifier.Probability(input), classifier.ProbabilityByFastText(input), 1e-5);
  }
}

TEST(ShippedModelsTest, FastScorerAgreesWithFastText) {
  for (const char* name : {"advertisement", "inappropriate_language"}) {
    SCOPED_TRACE(name);
    auto classifier =
        FastTextClassifier::Create(std::string(COMMENTD_SOURCE_DIR "/models/") + name + ".ftz");
    ASSERT_TRUE(classifier.ok()) << classifier.status().ToString();
    ExpectSameAsFastText(**classifier);
  }
}

TEST(TrainFastTextModelTest, FastScorerAgreesWithFastTextOnUnquantizedModels) {
  const fs::path dir = fs::temp_directory_path() / "commentd_fasttext_unquantized";
  fs::remove_all(dir);
  std::vector<training::TrainingExample> examples;
  for (int i = 0; i < 40; ++i) {
    examples.push_back({"buy cheap cash now " + std::to_string(i), true});
    examples.push_back({"thanks for the report on the talks " + std::to_string(i), false});
  }
  training::FastTextTrainOptions options;
  options.cutoff = 0;  // a plain .bin: no pruning, every bucket its own row
  options.bucket = 1000;
  options.epoch = 5;
  const std::string out = (dir / "model.bin").string();
  ASSERT_TRUE(training::TrainFastTextModel(examples, options, dir.string(), out).ok());
  auto classifier = FastTextClassifier::Create(out);
  ASSERT_TRUE(classifier.ok()) << classifier.status().ToString();
  ExpectSameAsFastText(**classifier);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace commentd::moderation

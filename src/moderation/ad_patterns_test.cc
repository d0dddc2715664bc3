#include "moderation/ad_patterns.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "moderation/builtin_ad_patterns.h"
#include "testing/normalizer.h"

namespace commentd::moderation::ads {
namespace {

TEST(AdPatternsTest, ParsesWeightFormAndTextOfEachLine) {
  auto patterns =
      ParseAdPatterns("# a comment\n\nstrong\tphrase\tbuy now\r\nweak\tregex\t\\bqq\\s*\\d{5,}\n",
                      "money_call.tsv");
  ASSERT_TRUE(patterns.ok()) << patterns.status().ToString();
  ASSERT_EQ(patterns->size(), 2u);
  EXPECT_EQ((*patterns)[0].kind, Kind::kMoneyCall);
  EXPECT_EQ((*patterns)[0].weight, kStrong);
  EXPECT_EQ((*patterns)[0].form, Form::kPhrase);
  EXPECT_EQ((*patterns)[0].text, "buy now");
  EXPECT_EQ((*patterns)[1].weight, kWeak);
  EXPECT_EQ((*patterns)[1].form, Form::kRegex);
  EXPECT_EQ((*patterns)[1].text, "\\bqq\\s*\\d{5,}");
}

TEST(AdPatternsTest, ErrorsNameTheFileAndLine) {
  struct Case {
    std::string contents;
    std::string message;
  };
  const Case cases[] = {
      {"# header\nhuge\tphrase\tcasino\n",
       "spam_keyword.tsv:2: unknown weight 'huge' (want decisive, strong, medium or weak)"},
      {"strong\tword\tcasino\n", "spam_keyword.tsv:1: unknown form 'word' (want phrase or regex)"},
      {"\nstrong casino\n", "spam_keyword.tsv:2: want 3 tab-separated fields (weight, form, text)"},
      {"strong\tphrase\t\n", "spam_keyword.tsv:1: the text is empty or has a tab"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.contents);
    auto patterns = ParseAdPatterns(c.contents, "spam_keyword.tsv");
    ASSERT_FALSE(patterns.ok());
    EXPECT_EQ(patterns.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(patterns.status().message(), c.message);
  }
  auto unknown = ParseAdPatterns("strong\tphrase\tcasino\n", "lottery.tsv");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("lottery.tsv"), std::string::npos);
}

TEST(AdPatternsTest, BuiltinFilesParseAndCoverEveryPatternKind) {
  auto patterns = BuiltinAdPatterns();
  ASSERT_TRUE(patterns.ok()) << patterns.status().ToString();
  std::set<Kind> kinds;
  for (const AdPattern& p : *patterns) kinds.insert(p.kind);
  EXPECT_EQ(kinds, (std::set<Kind>{Kind::kContactHandle, Kind::kMoneyCall, Kind::kSpamKeyword,
                                   Kind::kContact, Kind::kOffer}));
  EXPECT_GT(patterns->size(), 900u);
}

TEST(AdPatternsTest, ALanguageTableCarriesACategoryColumn) {
  auto patterns = ParseAdPatterns(
      "strong\tphrase\toffer:loan\tinstant loan\nmedium\tregex\tcontact:dm\tdm\\s+me\n", "en.tsv");
  ASSERT_TRUE(patterns.ok()) << patterns.status().ToString();
  ASSERT_EQ(patterns->size(), 2u);
  EXPECT_EQ((*patterns)[0].kind, Kind::kOffer);
  EXPECT_EQ((*patterns)[0].label, "offer:loan");
  EXPECT_EQ((*patterns)[0].text, "instant loan");
  EXPECT_EQ((*patterns)[1].kind, Kind::kContact);
  EXPECT_EQ((*patterns)[1].form, Form::kRegex);
  EXPECT_EQ((*patterns)[1].label, "contact:dm");
}

TEST(AdPatternsTest, ALanguageTableNamesABadCategoryAndItsLine) {
  auto bad = ParseAdPatterns("\nstrong\tphrase\tloan\tinstant loan\n", "en.tsv");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "en.tsv:2: category 'loan' is not offer:<name> or contact:<name> (name: a-z and _)");
  auto three = ParseAdPatterns("strong\tphrase\tinstant loan\n", "ja.tsv");
  ASSERT_FALSE(three.ok());
  EXPECT_EQ(three.status().message(),
            "ja.tsv:1: want 4 tab-separated fields (weight, form, category, text)");
}

// Japanese gets the same coverage as the others: every language table has
// every offer category and the contact channels.
TEST(AdPatternsTest, EveryLanguageTableCoversEveryCategory) {
  const std::set<std::string> want = {"offer:income",  "offer:discount", "offer:investment",
                                      "offer:loan",    "offer:gambling", "offer:pharma",
                                      "offer:replica", "offer:dating",   "offer:followers",
                                      "offer:jobs",    "offer:giveaway", "contact:messenger",
                                      "contact:bio",   "contact:dm",     "contact:search_code"};
  std::set<std::string> languages;
  for (const auto& [name, contents] : BuiltinAdPatternFiles()) {
    if (name.size() != 6) continue;  // "ja.tsv"
    languages.insert(std::string(name));
    auto patterns = ParseAdPatterns(contents, name);
    ASSERT_TRUE(patterns.ok()) << patterns.status().ToString();
    std::set<std::string> categories;
    for (const AdPattern& p : *patterns) categories.insert(p.label);
    for (const std::string& c : want) {
      EXPECT_TRUE(categories.count(c)) << name << " has no " << c;
    }
  }
  EXPECT_EQ(languages, (std::set<std::string>{"en.tsv", "ja.tsv", "ko.tsv", "zh.tsv"}));
}

TEST(AdPatternsTest, PhrasesMatchTheLexicalViewAndRegexesTheFolded) {
  const std::vector<AdPattern> specs = {
      {Kind::kSpamKeyword, kStrong, Form::kPhrase, "casino"},
      {Kind::kContactHandle, kStrong, Form::kRegex, R"(\bqq\s*:?\s*[1-9]\d{4,10}\b)"},
  };
  auto patterns = AdPatterns::Create(specs, text::TestNormalizer());
  ASSERT_TRUE(patterns.ok()) << patterns.status().ToString();
  const std::string original = "best c@s1no, QQ: 123456789 (no casinos)";
  auto folded = text::TestNormalizer().Fold(original);
  ASSERT_TRUE(folded.ok());
  const text::NormalizedText lexical = text::TestNormalizer().Lexical(*folded);
  std::vector<Candidate> found;
  patterns->Scan(*folded, lexical, &found);
  std::set<std::string> matches;
  for (const Candidate& c : found) matches.insert(original.substr(c.span.begin, c.span.size()));
  // "casinos" is another word: phrases match on word boundaries.
  EXPECT_EQ(matches, (std::set<std::string>{"c@s1no", "QQ: 123456789"}));
}

TEST(AdPatternsTest, ATableOfOneFormOnlyCompiles) {
  auto phrases = AdPatterns::Create({{Kind::kSpamKeyword, kWeak, Form::kPhrase, "loan"}},
                                    text::TestNormalizer());
  EXPECT_TRUE(phrases.ok()) << phrases.status().ToString();
  auto regexes = AdPatterns::Create({{Kind::kMoneyCall, kWeak, Form::kRegex, "\\d+%"}},
                                    text::TestNormalizer());
  EXPECT_TRUE(regexes.ok()) << regexes.status().ToString();
  auto none = AdPatterns::Create({}, text::TestNormalizer());
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  auto folded = text::TestNormalizer().Fold("loan at 5%");
  ASSERT_TRUE(folded.ok());
  std::vector<Candidate> found;
  none->Scan(*folded, text::TestNormalizer().Lexical(*folded), &found);
  EXPECT_TRUE(found.empty());
}

TEST(AdPatternsTest, CreateNamesARegexVectorscanRejects) {
  auto patterns = AdPatterns::Create({{Kind::kMoneyCall, kWeak, Form::kRegex, "(unclosed"}},
                                     text::TestNormalizer());
  ASSERT_FALSE(patterns.ok());
  EXPECT_EQ(patterns.status().code(), base::StatusCode::kInternal);
  EXPECT_NE(patterns.status().message().find("(unclosed"), std::string::npos)
      << patterns.status().message();
}

}  // namespace
}  // namespace commentd::moderation::ads

#include "moderation/policy.h"

#include <gtest/gtest.h>

namespace commentd::moderation {
namespace {

TEST(PolicyTest, DefaultIsThePublishersRule) {
  const Policy p = Policy::Default();
  EXPECT_EQ(p.link.action, Decision::kDelete);
  EXPECT_EQ(p.language.action, Decision::kDelete);
  EXPECT_EQ(p.advertisement.action, Decision::kDelete);
  EXPECT_TRUE(p.language.allow_mild);
  EXPECT_TRUE(p.link.allowed_domains.empty());
}

TEST(PolicyTest, ReadsEveryKeyOfAFile) {
  auto p = Policy::FromFile(COMMENTD_SOURCE_DIR "/testdata/policies/newsroom.toml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->version, "newsroom-2026-11");
  EXPECT_EQ(p->link.allowed_domains,
            (std::vector<std::string>{"example.org", "partner.example.net"}));
  EXPECT_EQ(p->language.action, Decision::kHold);
  EXPECT_FALSE(p->language.allow_mild);
  EXPECT_DOUBLE_EQ(p->advertisement.threshold, 0.8);
  EXPECT_DOUBLE_EQ(p->advertisement.hold_threshold, 0.5);
}

TEST(PolicyTest, ClassifierThresholdsByLanguage) {
  const Policy builtin = Policy::Default();
  // Korean and English have their own built-in thresholds; Japanese has too
  // little data and uses the section's.
  EXPECT_NE(builtin.language.Classifier("en").hold_threshold,
            builtin.language.Classifier("ja").hold_threshold);
  EXPECT_NE(builtin.language.Classifier("ko").delete_threshold,
            builtin.language.Classifier("ja").delete_threshold);
  EXPECT_DOUBLE_EQ(builtin.language.Classifier("ja").hold_threshold,
                   builtin.language.classifier_hold_threshold);

  auto p = Policy::FromToml(
      "[inappropriate_language.ja]\nclassifier_hold_threshold = 0.75\n"
      "[advertisement.zh]\nclassifier_delete_threshold = 0.9\nclassifier_hold_threshold = 0.6\n",
      "p.toml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_DOUBLE_EQ(p->language.Classifier("ja").hold_threshold, 0.75);
  EXPECT_DOUBLE_EQ(p->language.Classifier("ja").delete_threshold,
                   builtin.language.classifier_delete_threshold);  // left out: the section's
  EXPECT_DOUBLE_EQ(p->language.Classifier("ko").hold_threshold,
                   builtin.language.Classifier("ko").hold_threshold);  // built-in kept
  EXPECT_DOUBLE_EQ(p->advertisement.Classifier("zh").delete_threshold, 0.9);
  EXPECT_DOUBLE_EQ(p->advertisement.Classifier("en").delete_threshold,
                   builtin.advertisement.classifier_delete_threshold);

  // Section-wide thresholds in a file apply to every language not given its own.
  auto q = Policy::FromToml(
      "[inappropriate_language]\nclassifier_delete_threshold = 0.97\n"
      "classifier_hold_threshold = 0.9\n[inappropriate_language.zh]\n"
      "classifier_hold_threshold = 0.8\n",
      "q.toml");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_DOUBLE_EQ(q->language.Classifier("ko").delete_threshold, 0.97);
  EXPECT_DOUBLE_EQ(q->language.Classifier("en").hold_threshold, 0.9);
  EXPECT_DOUBLE_EQ(q->language.Classifier("zh").hold_threshold, 0.8);
  EXPECT_DOUBLE_EQ(q->language.Classifier("zh").delete_threshold, 0.97);
}

// [inappropriate_language] and [advertisement] read their classifier
// thresholds with one piece of code: the same file text gives both the same
// thresholds, and the same errors.
TEST(PolicyTest, BothClassifierSectionsReadTheirThresholdsTheSameWay) {
  const std::string body =
      "classifier_delete_threshold = 0.97\nclassifier_hold_threshold = 0.9\n"
      "[SECTION.zh]\nclassifier_hold_threshold = 0.8\n"
      "[SECTION.ko]\nclassifier_delete_threshold = 0.99\n";
  auto with_section = [](std::string text, const std::string& section) {
    for (size_t at = text.find("SECTION"); at != std::string::npos; at = text.find("SECTION")) {
      text.replace(at, 7, section);
    }
    return "[" + section + "]\n" + text;
  };
  auto language = Policy::FromToml(with_section(body, "inappropriate_language"), "p.toml");
  auto ads = Policy::FromToml(with_section(body, "advertisement"), "p.toml");
  ASSERT_TRUE(language.ok()) << language.status().ToString();
  ASSERT_TRUE(ads.ok()) << ads.status().ToString();
  for (const char* lang : {"en", "ko", "zh", "ja"}) {
    SCOPED_TRACE(lang);
    const ClassifierThresholds a = language->language.Classifier(lang);
    const ClassifierThresholds b = ads->advertisement.Classifier(lang);
    EXPECT_DOUBLE_EQ(a.delete_threshold, b.delete_threshold);
    EXPECT_DOUBLE_EQ(a.hold_threshold, b.hold_threshold);
  }
  EXPECT_DOUBLE_EQ(ads->advertisement.Classifier("en").delete_threshold, 0.97);
  EXPECT_DOUBLE_EQ(ads->advertisement.Classifier("zh").hold_threshold, 0.8);
  EXPECT_DOUBLE_EQ(ads->advertisement.Classifier("zh").delete_threshold, 0.97);
  EXPECT_DOUBLE_EQ(ads->advertisement.Classifier("ko").delete_threshold, 0.99);
  EXPECT_DOUBLE_EQ(ads->advertisement.Classifier("ko").hold_threshold, 0.9);

  const std::string bad = "classifier_hold_threshold = 1.5\n";
  auto language_error = Policy::FromToml(with_section(bad, "inappropriate_language"), "p.toml");
  auto ads_error = Policy::FromToml(with_section(bad, "advertisement"), "p.toml");
  ASSERT_FALSE(language_error.ok());
  ASSERT_FALSE(ads_error.ok());
  EXPECT_NE(
      language_error.status().message().find("inappropriate_language.classifier_hold_threshold"),
      std::string::npos)
      << language_error.status().message();
  EXPECT_NE(ads_error.status().message().find("advertisement.classifier_hold_threshold"),
            std::string::npos)
      << ads_error.status().message();
}

TEST(PolicyTest, AllowIsASynonymOfPublish) {
  auto p = Policy::FromToml("[link]\naction = \"allow\"\n", "p.toml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->link.action, Decision::kPublish);
}

TEST(PolicyTest, BadFilesAreRefusedNamingFileLineAndKey) {
  struct Case {
    std::string toml;
    std::string message;
  };
  const Case cases[] = {
      {"[link]\naction = \"erase\"\n",
       "p.toml:2: key 'link.action': 'erase' is not a decision (delete, hold or allow)"},
      {"[link]\naction = 3\n",
       "p.toml:2: key 'link.action': expected a string (delete, hold or allow)"},
      {"[link]\nallowed_domain = []\n", "p.toml:2: unknown key 'link.allowed_domain'"},
      {"colour = \"red\"\n",
       "p.toml:1: unknown key 'colour' (expected version, [link], [inappropriate_language], "
       "[advertisement])"},
      {"[advertisement]\nthreshold = -1\n",
       "p.toml:2: key 'advertisement.threshold': -1 is not between 0 and 100"},
      {"[advertisement]\nthreshold = 0.5\nhold_threshold = 0.7\n",
       "p.toml: [advertisement] hold threshold 0.7 is above the delete threshold 0.5"},
      {"[link]\nallowed_domains = [\"http://x.org/\"]\n",
       "p.toml: [link] allowed_domains: 'http://x.org/' is not a domain (write it like "
       "example.org)"},
      {"link = 5\n", "p.toml:1: 'link' must be a table ([link])"},
      {"[inappropriate_language]\nko = 0.5\n",
       "p.toml:2: key 'inappropriate_language.ko': expected a table of classifier thresholds "
       "([section.language])"},
      {"[inappropriate_language.zh]\nclassifier_delete_threshold = 0.5\n"
       "classifier_hold_threshold = 0.9\n",
       "p.toml:1: key 'inappropriate_language.zh': classifier hold threshold 0.9 is above the "
       "delete threshold 0.5"},
      {"[advertisement.ko]\nthreshold = 0.5\n",
       "p.toml:2: unknown key 'advertisement.ko.threshold'"},
      {"[advertisement.fr]\nclassifier_delete_threshold = 0.5\n",
       "p.toml:1: unknown key 'advertisement.fr'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.toml);
    auto p = Policy::FromToml(c.toml, "p.toml");
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(p.status().message(), c.message);
  }
}

TEST(PolicyTest, SyntaxErrorsNameTheFile) {
  auto p = Policy::FromToml("[link\naction = \"delete\"\n", "broken.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(),
            "broken.toml:1: not valid TOML: toml::parse_key: an invalid key appeared.");
}

// A policy_fuzzer find: invalid UTF-8 in a literal-string key crashed toml11.
TEST(PolicyTest, InvalidUtf8IsRefusedBeforeTheTomlParser) {
  auto p = Policy::FromFile(COMMENTD_SOURCE_DIR
                            "/testdata/fuzz/policy/regression_invalid_utf8_literal_key");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(p.status().message().find("not valid UTF-8 at byte 2"), std::string::npos)
      << p.status().message();
}

// A 12 KB policy of nested arrays overflowed the stack inside toml11 (PUT
// /api/v1/mod/policy and `commentd check --policy` crashed). It is refused
// before toml11 sees it, naming the line.
TEST(PolicyTest, DeepNestingIsRefusedBeforeTheTomlParserNamingTheLine) {
  auto p = Policy::FromFile(COMMENTD_SOURCE_DIR "/testdata/fuzz/policy/regression_nested_arrays");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(p.status().message().find("regression_nested_arrays:4: arrays and inline tables nest "
                                      "deeper than 16 levels"),
            std::string::npos)
      << p.status().message();
  auto inline_tables =
      Policy::FromToml("version = \"x\"\nx = " + std::string(20000, '{'), "t.toml");
  ASSERT_FALSE(inline_tables.ok());
  EXPECT_NE(inline_tables.status().message().find("t.toml:2: arrays and inline tables nest"),
            std::string::npos)
      << inline_tables.status().message();
}

TEST(PolicyTest, BracketsInStringsAndCommentsDoNotCountAsNesting) {
  const std::string deep(40, '[');
  const std::string toml = "# " + deep + "\nversion = \"" + deep + "\\\"" + deep +
                           "\"\n[link]\nallowed_domains = ['" + deep + "', \"\"\"" + deep + "\n" +
                           deep + "\"\"\"\"]  # " + deep + "\n";
  auto p = Policy::FromToml(toml, "strings.toml");
  // toml11 decides what these strings are; the scan only must not count them.
  if (!p.ok()) {
    EXPECT_EQ(p.status().message().find("nest deeper"), std::string::npos) << p.status().message();
  }
  // Deep nesting after such strings is still found, on its line.
  auto deep_after = Policy::FromToml(toml + "x = " + std::string(17, '['), "after.toml");
  ASSERT_FALSE(deep_after.ok());
  EXPECT_NE(deep_after.status().message().find("after.toml:6: arrays and inline tables nest"),
            std::string::npos)
      << deep_after.status().message();
  // Sixteen levels are allowed through to toml11.
  auto sixteen = Policy::FromToml("x = " + std::string(16, '[') + std::string(16, ']'), "ok.toml");
  ASSERT_FALSE(sixteen.ok());  // unknown key x, but not a nesting refusal
  EXPECT_EQ(sixteen.status().message().find("nest deeper"), std::string::npos)
      << sixteen.status().message();
}

TEST(PolicyTest, MissingFileIsNotFound) {
  auto p = Policy::FromFile("/nonexistent/policy.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), base::StatusCode::kNotFound);
}

}  // namespace
}  // namespace commentd::moderation

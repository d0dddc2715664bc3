#include "comments/messages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "comments/comment_service.h"

namespace commentd::comments {
namespace {

moderation::Reason ActingReason(moderation::Rule rule) {
  moderation::Reason r;
  r.rule = rule;
  r.action = moderation::Decision::kDelete;
  return r;
}

TEST(MessageCatalogueTest, EveryKeyIsInEveryLanguage) {
  const MessageCatalogue& catalogue = MessageCatalogue::Builtin();
  EXPECT_EQ(catalogue.Languages(), (std::vector<std::string>{"en", "ja", "ko", "zh"}));
  const std::vector<std::string> keys = catalogue.Keys();
  EXPECT_GT(keys.size(), 40u);
  for (const std::string& lang : catalogue.Languages()) {
    for (const std::string& key : keys) {
      SCOPED_TRACE(lang + " " + key);
      EXPECT_FALSE(catalogue.Get(lang, key).empty());
    }
  }
  // Each rule of the engine has a name in the catalogue.
  for (moderation::Rule rule :
       {moderation::Rule::kLink, moderation::Rule::kAdvertisement,
        moderation::Rule::kInappropriateLanguage, moderation::Rule::kUnreadableText}) {
    const std::string name(moderation::RuleName(rule));
    EXPECT_TRUE(std::count(keys.begin(), keys.end(), "rules." + name)) << name;
    EXPECT_TRUE(std::count(keys.begin(), keys.end(), "rules_in_sentence." + name)) << name;
  }
}

TEST(MessageCatalogueTest, EveryExplanationHasThePlaceForTheRules) {
  const MessageCatalogue& catalogue = MessageCatalogue::Builtin();
  for (const std::string& lang : catalogue.Languages()) {
    for (std::string_view key : {"explain_deleted", "explain_held", "explain_edit_refused"}) {
      SCOPED_TRACE(lang + " " + std::string(key));
      EXPECT_NE(catalogue.Get(lang, key).find("{rules}"), std::string_view::npos);
    }
  }
}

TEST(MessageCatalogueTest, RefusesALanguageMissingAKey) {
  auto catalogue = MessageCatalogue::Create({{"en.json", R"({"a": "A", "rules": {"link": "L"}})"},
                                             {"ko.json", R"({"a": "가", "rules": {}})"}});
  ASSERT_FALSE(catalogue.ok());
  EXPECT_EQ(catalogue.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(catalogue.status().message(), "ko.json lacks \"rules.link\" (in en.json)");
}

TEST(MessageCatalogueTest, RefusesMalformedFilesNamingTheFileAndKey) {
  const struct {
    std::string_view text;
    std::string message;
  } kCases[] = {
      {"[1]", "en.json: not one JSON object"},
      {"{", "en.json: not one JSON object"},
      {R"({"a": 1})", "en.json: \"a\" must be a string or an object of strings, got number"},
      {R"({"r": {"b": {"c": "d"}}})", "en.json: \"r.b\" must be a string, got object"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    auto catalogue = MessageCatalogue::Create({{"en.json", c.text}});
    ASSERT_FALSE(catalogue.ok());
    EXPECT_EQ(catalogue.status().message(), c.message);
  }
  EXPECT_EQ(MessageCatalogue::Create({{"ko.json", "{}"}}).status().message(),
            "no en.json, the fallback language");
}

TEST(MessageCatalogueTest, UnknownLanguagesAreEnglishAndRegionsAreIgnored) {
  const MessageCatalogue& catalogue = MessageCatalogue::Builtin();
  EXPECT_EQ(catalogue.Get("fr", "post"), catalogue.Get("en", "post"));
  EXPECT_EQ(catalogue.Get("ko-KR", "post"), catalogue.Get("ko", "post"));
  EXPECT_EQ(catalogue.Get("zh_TW", "post"), catalogue.Get("zh", "post"));
  EXPECT_NE(catalogue.Get("ko", "post"), catalogue.Get("en", "post"));
  EXPECT_TRUE(catalogue.Get("en", "no_such_key").empty());
}

TEST(MessageCatalogueTest, ExplanationNamesTheActingRulesOnceInRuleOrder) {
  auto catalogue = MessageCatalogue::Create(
      {{"en.json", R"({"rules_in_sentence": {"link": "a link", "advertisement": "ads",
                       "inappropriate_language": "rude words", "unreadable_text": "noise"},
                       "rule_separator": " + ", "explain_deleted": "Deleted: {rules}.",
                       "explain_held": "Held: {rules}.", "explain_edit_refused": "Kept: {rules}."})"}});
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().ToString();
  moderation::Verdict v;
  v.decision = moderation::Decision::kDelete;
  v.reasons = {ActingReason(moderation::Rule::kInappropriateLanguage),
               ActingReason(moderation::Rule::kLink), ActingReason(moderation::Rule::kLink)};
  moderation::Reason tolerated = ActingReason(moderation::Rule::kAdvertisement);
  tolerated.action = moderation::Decision::kPublish;
  v.reasons.push_back(tolerated);
  EXPECT_EQ(catalogue->Explain(v, "en", false), "Deleted: a link + rude words.");
  EXPECT_EQ(catalogue->Explain(v, "en", true), "Kept: a link + rude words.");
  v.decision = moderation::Decision::kHold;
  v.reasons = {};  // a classifier score alone: every rule the publisher prints
  EXPECT_EQ(catalogue->Explain(v, "en", false), "Held: a link + ads + rude words.");
  v.decision = moderation::Decision::kPublish;
  EXPECT_EQ(catalogue->Explain(v, "en", false), "");
}

TEST(MessageCatalogueTest, ExplainVerdictSpeaksTheWritersLanguageWithTheCatalogueTerms) {
  moderation::Verdict v;
  v.decision = moderation::Decision::kDelete;
  v.reasons = {ActingReason(moderation::Rule::kInappropriateLanguage)};
  const MessageCatalogue& catalogue = MessageCatalogue::Builtin();
  std::set<std::string> messages;
  for (const std::string& lang : catalogue.Languages()) {
    const std::string m = ExplainVerdict(v, lang);
    EXPECT_NE(m.find(catalogue.Get(lang, "rules_in_sentence.inappropriate_language")),
              std::string::npos)
        << m;
    EXPECT_EQ(m.find('{'), std::string::npos) << m;
    messages.insert(m);
  }
  EXPECT_EQ(messages.size(), 4u);
  // The terms of the message are the widget's rule labels (English adds an article).
  for (const std::string_view lang : {"ko", "zh", "ja"}) {
    EXPECT_EQ(catalogue.Get(lang, "rules.inappropriate_language"),
              catalogue.Get(lang, "rules_in_sentence.inappropriate_language"));
  }
}

}  // namespace
}  // namespace commentd::comments

#include "moderation/moderator.h"

#include <gtest/gtest.h>

#include <set>

#include "moderation/verdict_json.h"
#include "testing/golden.h"
#include "testing/normalizer.h"

namespace commentd::moderation {
namespace {

std::shared_ptr<const Moderator> DefaultModerator() {
  static const std::shared_ptr<const Moderator> moderator = [] {
    auto m = Moderator::Create(Policy::Default());
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : nullptr;
  }();
  return moderator;
}

// "delete:advertisement,link" for a verdict: the decision and the rules of
// the reasons that carry it.
std::string Summary(const Verdict& v) {
  if (v.decision == Decision::kPublish) return "publish";
  std::set<std::string_view> rules;
  for (const Reason& r : v.reasons) {
    if (r.action == v.decision) rules.insert(RuleName(r.rule));
  }
  std::string out(DecisionName(v.decision));
  char sep = ':';
  for (std::string_view r : rules) {
    out += sep;
    out += r;
    sep = ',';
  }
  return out;
}

TEST(ModeratorTest, DecisionsMatchGoldenFile) {
  auto moderator = DefaultModerator();
  ASSERT_NE(moderator, nullptr);
  const int cases = golden::ForEachLine(
      "testdata/verdicts.tsv", [&](const std::string& expected, const std::string& input) {
        const Verdict v = moderator->Evaluate(input);
        EXPECT_EQ(Summary(v), expected) << VerdictToJson(v).dump();
      });
  EXPECT_GT(cases, 30);
}

TEST(ModeratorTest, EveryReasonCarriesTheExactOriginalSpan) {
  auto moderator = DefaultModerator();
  ASSERT_NE(moderator, nullptr);
  const std::string text = "Great ｆｕｃｋｉｎｇ article, see hxxp://bad[.]example.com now";
  const Verdict v = moderator->Evaluate(text);
  ASSERT_EQ(v.decision, Decision::kDelete);
  ASSERT_GE(v.reasons.size(), 2u);
  for (const Reason& r : v.reasons) {
    SCOPED_TRACE(r.detail);
    ASSERT_LE(r.span.end, text.size());
    EXPECT_EQ(text.substr(r.span.begin, r.span.size()), r.match);
  }
  EXPECT_EQ(v.reasons[0].match, "ｆｕｃｋｉｎｇ");
  EXPECT_EQ(v.reasons[0].rule, Rule::kInappropriateLanguage);
  EXPECT_EQ(v.reasons[1].rule, Rule::kLink);
  EXPECT_EQ(v.reasons[1].match, "hxxp://bad[.]example.com");
}

TEST(ModeratorTest, InvalidUtf8IsHeldAsUnreadableText) {
  auto moderator = DefaultModerator();
  ASSERT_NE(moderator, nullptr);
  const Verdict v = moderator->Evaluate("fine text \xC3\x28 here");
  EXPECT_EQ(v.decision, Decision::kHold);
  ASSERT_EQ(v.reasons.size(), 1u);
  EXPECT_EQ(v.reasons[0].rule, Rule::kUnreadableText);
  EXPECT_EQ(v.reasons[0].span, (text::Span{10, 11}));
  EXPECT_EQ(v.reasons[0].detail, "invalid UTF-8 at byte 10");
}

TEST(ModeratorTest, EvaluateHandsBackTheLexicalViewItRead) {
  auto moderator = DefaultModerator();
  ASSERT_NE(moderator, nullptr);
  for (const char* text : {"Earn M0NEY at home, ask me how!", "씨1발 이게 기사냐", ""}) {
    SCOPED_TRACE(text);
    auto folded = text::TestNormalizer().Fold(text);
    ASSERT_TRUE(folded.ok());
    std::optional<std::string> view;
    const Verdict with_view = moderator->Evaluate(text, &view);
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(*view, text::TestNormalizer().Lexical(*folded).text());
    EXPECT_EQ(Summary(with_view), Summary(moderator->Evaluate(text)));
  }
  std::optional<std::string> view = "left from before";
  moderator->Evaluate("fine text \xC3\x28 here", &view);
  EXPECT_FALSE(view.has_value()) << "text that is not UTF-8 has no lexical view";
}

TEST(ModeratorTest, ModelTextHasTheLengthOfTheLexicalView) {
  auto moderator = DefaultModerator();
  ASSERT_NE(moderator, nullptr);
  for (const char* text : {"Earn M0NEY at home, ask me how!", "씨1발 이게 기사냐", ""}) {
    SCOPED_TRACE(text);
    auto lexical = text::TestNormalizer().LexicalString(text);
    ASSERT_TRUE(lexical.ok());
    const std::optional<std::string> model_text =
        moderator->ModelText(text, Rule::kInappropriateLanguage);
    ASSERT_TRUE(model_text.has_value());
    EXPECT_EQ(model_text->size(), lexical->size());
  }
  EXPECT_FALSE(moderator->ModelText("fine text \xC3\x28 here", Rule::kAdvertisement).has_value());
}

TEST(ModeratorTest, PolicyAllowsDomainsAndChangesActions) {
  auto policy = Policy::FromToml(
      "version = \"t1\"\n[link]\nallowed_domains = [\"example.org\"]\n"
      "[inappropriate_language]\naction = \"hold\"\nallow_mild = false\n",
      "test.toml");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  auto moderator = Moderator::Create(*policy);
  ASSERT_TRUE(moderator.ok()) << moderator.status().ToString();
  EXPECT_EQ((*moderator)->Evaluate("see https://news.example.org/a and example.org").decision,
            Decision::kPublish);
  EXPECT_EQ((*moderator)->Evaluate("see https://example.com").decision, Decision::kDelete);
  const Verdict rude = (*moderator)->Evaluate("what a shit take");
  EXPECT_EQ(rude.decision, Decision::kHold);
  EXPECT_EQ(rude.policy_version, "t1");
  EXPECT_EQ((*moderator)->Evaluate("damn").decision, Decision::kHold);
}

TEST(ModeratorTest, ABackslashInTheAuthorityDoesNotPassAllowedDomains) {
  auto policy = Policy::FromToml("version = \"t1\"\n[link]\nallowed_domains = [\"example.org\"]\n",
                                 "test.toml");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  auto moderator = Moderator::Create(*policy);
  ASSERT_TRUE(moderator.ok()) << moderator.status().ToString();
  EXPECT_EQ((*moderator)->Evaluate("see http://user@example.org/a").decision, Decision::kPublish);
  const Verdict v = (*moderator)->Evaluate("see http://evil.example.com\\@example.org/");
  EXPECT_EQ(v.decision, Decision::kDelete);
  ASSERT_EQ(v.reasons.size(), 1u);
  EXPECT_NE(v.reasons[0].detail.find("evil.example.com"), std::string::npos) << v.reasons[0].detail;
}

TEST(ModeratorTest, ALinkWrittenBackwardsInsideABidiOverrideIsADisguisedLink) {
  auto moderator = DefaultModerator();
  ASSERT_NE(moderator, nullptr);
  const std::string text = "Visit \u202Emoc.onisac-tseb\u202C today";
  const Verdict v = moderator->Evaluate(text);
  EXPECT_EQ(v.decision, Decision::kDelete);
  ASSERT_FALSE(v.reasons.empty());
  EXPECT_EQ(v.reasons[0].rule, Rule::kLink);
  EXPECT_NE(v.reasons[0].detail.find("disguised:bidi"), std::string::npos) << v.reasons[0].detail;
  EXPECT_NE(v.reasons[0].detail.find("best-casino.com"), std::string::npos) << v.reasons[0].detail;
  // The span covers what displays as the link, inside the override (and the
  // invisible pop after it, which folding joined to the last letter).
  EXPECT_TRUE(v.reasons[0].match.starts_with("moc.onisac-tseb")) << v.reasons[0].match;
  EXPECT_LE(v.reasons[0].match.size(), std::string_view("moc.onisac-tseb\u202C").size());
}

TEST(ModeratorTest, MildWordsArePublishedByDefault) {
  auto moderator = DefaultModerator();
  ASSERT_NE(moderator, nullptr);
  const Verdict v = moderator->Evaluate("damn, what the hell");
  EXPECT_EQ(v.decision, Decision::kPublish);
  EXPECT_TRUE(v.reasons.empty());
}

// Scores every comment with the same probability.
class FixedClassifier final : public Classifier {
 public:
  explicit FixedClassifier(double p) : p_(p) {}
  ClassifierScore Score(std::string_view, const text::NormalizedText&) const override {
    return {p_, {}};
  }

 private:
  double p_;
};

TEST(ModeratorTest, ClassifierThresholdsFollowTheCommentsLanguage) {
  auto policy = Policy::FromToml(
      "[inappropriate_language]\nclassifier_delete_threshold = 0.9\n"
      "classifier_hold_threshold = 0.5\n"
      "[inappropriate_language.ko]\nclassifier_delete_threshold = 0.99\n"
      "classifier_hold_threshold = 0.95\n",
      "p.toml");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  Classifiers classifiers;
  classifiers.inappropriate_language = std::make_shared<FixedClassifier>(0.93);
  auto moderator = Moderator::Create(*policy, classifiers);
  ASSERT_TRUE(moderator.ok()) << moderator.status().ToString();
  // 0.93: above the section's delete threshold, below Korean's hold threshold.
  EXPECT_EQ((*moderator)->Evaluate("the talks went on for hours").decision, Decision::kDelete);
  EXPECT_EQ((*moderator)->Evaluate("회담은 몇 시간 동안 계속되었다").decision, Decision::kPublish);
  const Verdict v = (*moderator)->Evaluate("the talks went on for hours");
  ASSERT_EQ(v.reasons.size(), 1u);
  EXPECT_EQ(v.reasons[0].detail,
            "classifier: probability 0.930000 reached the delete threshold 0.9, language en");
  EXPECT_DOUBLE_EQ(v.reasons[0].score, 0.93);
}

// Scores every comment with one probability, names the first occurrence of
// `evidence` in the original text as its evidence, and keeps what it was
// given to read. Test-only: Owned by one thread.
class ScriptedClassifier final : public Classifier {
 public:
  ScriptedClassifier(double p, std::string evidence) : p_(p), evidence_(std::move(evidence)) {}
  ClassifierScore Score(std::string_view model_text,
                        const text::NormalizedText& lexical) const override {
    read_ = std::string(model_text);
    ClassifierScore score{p_, {}};
    // The original text is not passed in; the test sets it beforehand.
    if (const size_t at = original_.find(evidence_);
        !evidence_.empty() && at != std::string::npos) {
      score.evidence =
          text::Span{static_cast<uint32_t>(at), static_cast<uint32_t>(at + evidence_.size())};
    }
    (void)lexical;
    return score;
  }
  void set_original(std::string original) { original_ = std::move(original); }
  const std::string& read() const { return read_; }

 private:
  double p_;
  std::string evidence_;
  std::string original_;
  mutable std::string read_;
};

// What the model of `rule` reads of `text` under the default policy.
std::string ModelTextOf(std::string_view text, Rule rule) {
  auto moderator = DefaultModerator();
  if (moderator == nullptr) return "";
  return moderator->ModelText(text, rule).value_or("<not UTF-8>");
}

TEST(ModelTextTest, AllowlistedAndToleratedMildWordsAreMaskedForBothModels) {
  for (Rule rule : {Rule::kInappropriateLanguage, Rule::kAdvertisement}) {
    SCOPED_TRACE(RuleName(rule));
    const std::string read = ModelTextOf("scunthorpe is damn cold, 操场 is wet", rule);
    EXPECT_EQ(read.find("scunthorpe"), std::string::npos) << read;
    EXPECT_EQ(read.find("damn"), std::string::npos) << read;
    EXPECT_EQ(read.find("操场"), std::string::npos) << read;
    EXPECT_NE(read.find("cold"), std::string::npos) << read;
    EXPECT_NE(read.find("wet"), std::string::npos) << read;
  }
}

TEST(ModelTextTest, WordsThatOnlyContainAWholeWordEntryAreMaskedButMatchesStay) {
  const std::string read =
      ModelTextOf("the embassy staff passed the class", Rule::kInappropriateLanguage);
  EXPECT_EQ(read.find("embassy"), std::string::npos) << read;
  EXPECT_EQ(read.find("passed"), std::string::npos) << read;
  EXPECT_NE(read.find("staff"), std::string::npos) << read;
  EXPECT_NE(ModelTextOf("what a fuckface", Rule::kInappropriateLanguage).find("fuckface"),
            std::string::npos)
      << "a prefix entry's match is no innocent word";
  EXPECT_NE(ModelTextOf("a mild scumbag", Rule::kInappropriateLanguage).find("scumbag"),
            std::string::npos)
      << "a mild insult stays readable";
}

TEST(ModelTextTest, MildWordsStayWhenThePolicyDoesNotTolerateThem) {
  auto policy = Policy::FromToml("[inappropriate_language]\nallow_mild = false\n", "p.toml");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  auto moderator = Moderator::Create(*policy);
  ASSERT_TRUE(moderator.ok()) << moderator.status().ToString();
  const auto read = (*moderator)->ModelText("damn it", Rule::kInappropriateLanguage);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, "damn it");
}

TEST(ModelTextTest, LanguageModelLosesNamesInsideSentencesButNotOpeningWordsOrShouting) {
  // Names no allowlist lists: the rule is general, not a list.
  const std::string read =
      ModelTextOf("Yesterday Anna Kowalczyk visited Dunmerrow. Idiots SHOUT, what a Shit take",
                  Rule::kInappropriateLanguage);
  EXPECT_EQ(read.find("anna"), std::string::npos) << read;
  EXPECT_EQ(read.find("kowalczyk"), std::string::npos) << read;
  EXPECT_EQ(read.find("dunmerrow"), std::string::npos) << read;
  EXPECT_NE(read.find("yesterday"), std::string::npos) << "a sentence's first word: " << read;
  EXPECT_NE(read.find("idiots"), std::string::npos) << "a sentence's first word: " << read;
  EXPECT_NE(read.find("shout"), std::string::npos) << "no lower case: " << read;
  EXPECT_NE(read.find("shit"), std::string::npos) << "a lexicon match: " << read;
  EXPECT_NE(ModelTextOf("Yesterday Anna Kowalczyk", Rule::kAdvertisement).find("kowalczyk"),
            std::string::npos)
      << "the ad model reads names";
}

TEST(ModelTextTest, AdModelLosesCodesDatesAndAmountsButNotContactNumbers) {
  const std::string read = ModelTextOf(
      "See A/RES/75/1 and S/2019/123, order #4471-2209 of 2024-05-01 for $1,200.50 today",
      Rule::kAdvertisement);
  EXPECT_EQ(read.find_first_of("0123456789/#$"), std::string::npos) << read;
  EXPECT_NE(read.find("order"), std::string::npos) << read;
  EXPECT_NE(read.find("today"), std::string::npos) << read;
  EXPECT_NE(ModelTextOf("call 010-1234-5678", Rule::kAdvertisement).find("010-1234-5678"),
            std::string::npos)
      << "a phone number is an ad signal of the rules, which the model reads too";
  EXPECT_NE(ModelTextOf("See S/2019/123", Rule::kInappropriateLanguage).find("s/2019/123"),
            std::string::npos)
      << "the language model reads numbers";
}

TEST(ModelTextTest, ClassifiersReadExactlyTheModelText) {
  auto lang = std::make_shared<ScriptedClassifier>(0.1, "");
  auto ad = std::make_shared<ScriptedClassifier>(0.1, "");
  auto moderator = Moderator::Create(
      Policy::Default(), Classifiers{.advertisement = ad, .inappropriate_language = lang});
  ASSERT_TRUE(moderator.ok()) << moderator.status().ToString();
  for (const char* text : {"Mr Hancock of Scunthorpe paid $40 on 2024-05-01, damn",
                           "see A/RES/75/1 操场 시발점", "ｆｕｃｋ this, call 010-1234-5678"}) {
    SCOPED_TRACE(text);
    (*moderator)->Evaluate(text);
    EXPECT_EQ(lang->read(), (*moderator)->ModelText(text, Rule::kInappropriateLanguage));
    EXPECT_EQ(ad->read(), (*moderator)->ModelText(text, Rule::kAdvertisement));
  }
}

TEST(ModeratorTest, EvidenceInsideAMaskedSpanNeverDecides) {
  const std::string text = "the Scunthorpe council met";
  Policy policy;  // thresholds fixed here, not the tuned defaults
  policy.language.classifier_by_language["en"] = {.delete_threshold = 0.99, .hold_threshold = 0.9};
  auto lang = std::make_shared<ScriptedClassifier>(0.9999999, "Scunthorpe");
  lang->set_original(text);
  auto moderator = Moderator::Create(
      policy, Classifiers{.advertisement = nullptr, .inappropriate_language = lang});
  ASSERT_TRUE(moderator.ok()) << moderator.status().ToString();
  EXPECT_EQ((*moderator)->Evaluate(text).decision, Decision::kPublish);

  auto elsewhere = std::make_shared<ScriptedClassifier>(0.9999999, "council");
  elsewhere->set_original(text);
  auto other = Moderator::Create(
      policy, Classifiers{.advertisement = nullptr, .inappropriate_language = elsewhere});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  const Verdict v = (*other)->Evaluate(text);
  EXPECT_EQ(v.decision, Decision::kDelete);
  ASSERT_EQ(v.reasons.size(), 1u);
  EXPECT_EQ(v.reasons[0].match, "council");
}

// Ad thresholds fixed here (hold at 0.824098572, delete at 0.943362875), not
// the tuned defaults, which change with each training.
Policy AdPolicy() {
  Policy policy;
  policy.advertisement.classifier_hold_threshold = 0.824098572;
  policy.advertisement.classifier_delete_threshold = 0.943362875;
  return policy;
}

Verdict EvaluateWithAdModel(std::string_view text, double p, Policy policy = AdPolicy()) {
  auto moderator = Moderator::Create(
      std::move(policy), Classifiers{.advertisement = std::make_shared<FixedClassifier>(p),
                                     .inappropriate_language = nullptr});
  EXPECT_TRUE(moderator.ok()) << moderator.status().ToString();
  return moderator.ok() ? (*moderator)->Evaluate(text) : Verdict{};
}

TEST(CalibratedDecisionTest, AModelAloneHoldsAndDeletesOnlyWithHighConfidence) {
  EXPECT_EQ(EvaluateWithAdModel("the talks went on for hours", 0.5).decision, Decision::kPublish);
  const Verdict held = EvaluateWithAdModel("the talks went on for hours", 0.9);
  EXPECT_EQ(held.decision, Decision::kHold);
  ASSERT_EQ(held.reasons.size(), 1u);
  EXPECT_EQ(held.reasons[0].detail,
            "classifier: probability 0.900000 reached the hold threshold 0.824098572 (delete at "
            "0.943362875), language en");
  EXPECT_EQ(EvaluateWithAdModel("the talks went on for hours", 0.95).decision, Decision::kDelete);
}

TEST(CalibratedDecisionTest, AModelHoldBecomesADeleteWhenTheRulesHoldTooAndTheReasonSaysSo) {
  const std::string text = "check out my channel";  // the ad rules alone hold it
  ASSERT_EQ(EvaluateWithAdModel(text, 0.1).decision, Decision::kHold);
  const Verdict v = EvaluateWithAdModel(text, 0.9);
  EXPECT_EQ(v.decision, Decision::kDelete);
  bool said = false;
  for (const Reason& r : v.reasons) {
    if (r.detail.starts_with("classifier")) {
      EXPECT_EQ(r.action, Decision::kDelete);
      EXPECT_TRUE(r.detail.ends_with("; the rules hold it too: delete")) << r.detail;
      said = true;
    }
  }
  EXPECT_TRUE(said) << VerdictToJson(v).dump();

  // A publisher who only holds ads keeps holding them.
  Policy hold_only = AdPolicy();
  hold_only.advertisement.action = Decision::kHold;
  EXPECT_EQ(EvaluateWithAdModel(text, 0.99, hold_only).decision, Decision::kHold);
}

TEST(CalibratedDecisionTest, CalibrateFollowsTheRuleTable) {
  const ClassifierThresholds t{.delete_threshold = 0.9, .hold_threshold = 0.5};
  struct Case {
    double p;
    Decision action, rules, model, combined;
    bool escalated;
  };
  const Decision P = Decision::kPublish, H = Decision::kHold, D = Decision::kDelete;
  for (const Case& c : std::initializer_list<Case>{
           {0.1, D, P, P, P, false},   // nothing
           {0.1, D, H, P, H, false},   // the rules alone
           {0.6, D, P, H, H, false},   // the model alone holds
           {0.95, D, P, D, D, false},  // ... and deletes at high confidence
           {0.6, D, H, H, D, true},    // a rule agrees
           {0.95, D, H, D, D, false},  // already a delete
           {0.6, D, D, H, D, false},   // the rules delete
           {0.6, H, H, H, H, false},   // never past the policy's action
           {0.95, P, P, P, P, false},  // the publisher allows the rule
       }) {
    SCOPED_TRACE(
        fmt::format("p={} action={} rules={}", c.p, DecisionName(c.action), DecisionName(c.rules)));
    const ModelDecision d = Calibrate(c.p, t, c.action, c.rules);
    EXPECT_EQ(d.model, c.model);
    EXPECT_EQ(d.combined, c.combined);
    EXPECT_EQ(d.escalated, c.escalated);
  }
}

// Issue 12, finding 15: a 5 KB comment produced 834 reasons (96 KB).
TEST(ModeratorTest, ARunOfOneFindingIsOneReason) {
  std::string text;
  while (text.size() < 4990) text += "fuck, ";
  const Verdict v = DefaultModerator()->Evaluate(text);
  EXPECT_EQ(v.decision, Decision::kDelete);
  ASSERT_EQ(v.reasons.size(), 1u) << VerdictToJson(v).dump().substr(0, 500);
  EXPECT_EQ(v.reasons[0].rule, Rule::kInappropriateLanguage);
  EXPECT_EQ(v.reasons[0].span.begin, 0u);
  EXPECT_EQ(v.reasons[0].span.end, text.size() - 2);  // up to the last "fuck"
  EXPECT_EQ(v.reasons[0].match, text.substr(0, text.size() - 2));
}

TEST(ModeratorTest, ReasonsPerRuleAreCappedWithACountOfTheRest) {
  std::string text;
  int links = 0;
  for (; text.size() < 4950; ++links) text += fmt::format("x https://s{}.com ", links);
  std::string words;
  for (int i = 0; words.size() < 4990; ++i) words += "fuck x ";
  for (const auto& [t, rule] :
       {std::pair{text, Rule::kLink}, std::pair{words, Rule::kInappropriateLanguage}}) {
    const Verdict v = DefaultModerator()->Evaluate(t);
    EXPECT_EQ(v.decision, Decision::kDelete);
    std::vector<Reason> of_rule;
    for (const Reason& r : v.reasons) {
      if (r.rule == rule) of_rule.push_back(r);
    }
    ASSERT_EQ(of_rule.size(), Moderator::kMaxReasonsPerRule + 1);
    const Reason& last = of_rule.back();
    EXPECT_EQ(last.match, "");
    EXPECT_NE(last.detail.find("more like these, not listed"), std::string::npos) << last.detail;
    EXPECT_EQ(last.action, Decision::kDelete);
    EXPECT_LE(v.reasons.size(), 4 * (Moderator::kMaxReasonsPerRule + 1));
    EXPECT_LT(VerdictToJson(v).dump().size(), 12000u);
  }
  const Verdict v = DefaultModerator()->Evaluate(text);
  const auto last_link = std::find_if(v.reasons.rbegin(), v.reasons.rend(),
                                      [](const Reason& r) { return r.rule == Rule::kLink; });
  ASSERT_NE(last_link, v.reasons.rend());
  EXPECT_EQ(last_link->detail,
            fmt::format("{} more like these, not listed", links - Moderator::kMaxReasonsPerRule));
}

TEST(ModeratorTest, EmptyTextIsPublished) {
  auto moderator = DefaultModerator();
  ASSERT_NE(moderator, nullptr);
  EXPECT_EQ(moderator->Evaluate("").decision, Decision::kPublish);
}

}  // namespace
}  // namespace commentd::moderation

#include "moderation/moderator.h"

#include <algorithm>
#include <map>

#include "moderation/ad_detector.h"
#include "moderation/lexicon.h"
#include "text/language.h"
#include "text/link_finder.h"
#include "text/normalizer.h"
#include "text/utf8.h"

namespace commentd::moderation {

struct Moderator::Engine {
  text::Normalizer normalizer;
  text::LinkFinder link_finder;
  Lexicon lexicon;
  AdDetector ad_detector;
};

namespace {

// delete > hold > publish: the strictest action among the reasons wins.
int Strictness(Decision d) {
  switch (d) {
    case Decision::kPublish:
      return 0;
    case Decision::kHold:
      return 1;
    case Decision::kDelete:
      return 2;
  }
  return 0;
}

Decision Stricter(Decision a, Decision b) { return Strictness(a) >= Strictness(b) ? a : b; }

// What a score in [hold, delete) does under a rule whose action is `action`:
// hold, unless the publisher allows the rule altogether.
Decision ActionForScore(double score, double hold_threshold, double delete_threshold,
                        Decision action) {
  if (score >= delete_threshold) return action;
  if (score >= hold_threshold) return action == Decision::kPublish ? action : Decision::kHold;
  return Decision::kPublish;
}

bool DomainAllowed(std::string_view host, const std::vector<std::string>& allowed) {
  for (const std::string& domain : allowed) {
    if (host == domain) return true;
    if (host.size() > domain.size() && host.ends_with(domain) &&
        host[host.size() - domain.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

std::string SpanText(std::string_view original, text::Span span) {
  if (span.begin >= original.size() || span.end <= span.begin) return "";
  return std::string(original.substr(span.begin, span.end - span.begin));
}

bool IsGap(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '.' || c == '!' ||
         c == '?' || c == ';' || c == ':' || c == '-';
}

// A 5 KB comment of one word repeated produced 834 reasons (96 KB in the
// answer and in storage). Findings of the same rule, detail and action whose
// spans overlap or are separated only by spaces and punctuation become one
// reason over the whole run; then each rule keeps its first
// Moderator::kMaxReasonsPerRule reasons and one more that counts the rest. The
// decision is taken before, from every finding. `reasons` are ordered by span.
void MergeAndCap(std::string_view text, std::vector<Reason>* reasons) {
  std::vector<Reason> merged;
  merged.reserve(reasons->size());
  for (Reason& r : *reasons) {
    Reason* same = nullptr;
    for (auto it = merged.rbegin(); it != merged.rend(); ++it) {
      if (it->rule == r.rule && it->detail == r.detail && it->action == r.action) {
        same = &*it;
        break;
      }
    }
    bool joins = false;
    if (same != nullptr && r.span.begin >= same->span.begin) {
      joins = r.span.begin <= same->span.end;
      if (!joins && r.span.begin <= text.size()) {
        joins = std::all_of(text.begin() + same->span.end, text.begin() + r.span.begin, IsGap);
      }
    }
    if (joins) {
      same->span.end = std::max(same->span.end, r.span.end);
      same->match = SpanText(text, same->span);
      same->score = std::max(same->score, r.score);
    } else {
      merged.push_back(std::move(r));
    }
  }
  std::vector<Reason> kept;
  std::map<Rule, size_t> per_rule;  // reasons kept so far
  std::map<Rule, size_t> summary;   // index in `kept` of the rule's "more" reason
  for (Reason& r : merged) {
    const size_t n = per_rule[r.rule]++;
    if (n < Moderator::kMaxReasonsPerRule) {
      kept.push_back(std::move(r));
      continue;
    }
    auto it = summary.find(r.rule);
    if (it == summary.end()) {
      Reason more{.rule = r.rule,
                  .span = r.span,
                  .match = "",
                  .detail = "",
                  .action = r.action,
                  .score = r.score};
      summary.emplace(r.rule, kept.size());
      kept.push_back(std::move(more));
      continue;
    }
    Reason& more = kept[it->second];
    more.span.end = std::max(more.span.end, r.span.end);
    more.action = Stricter(more.action, r.action);
    more.score = std::max(more.score, r.score);
  }
  for (const auto& [rule, index] : summary) {
    kept[index].detail = fmt::format("{} more like these, not listed",
                                     per_rule[rule] - Moderator::kMaxReasonsPerRule);
  }
  *reasons = std::move(kept);
}

}  // namespace

base::Result<std::shared_ptr<const Moderator>> Moderator::Create(Policy policy,
                                                                 Classifiers classifiers) {
  COMMENTD_ASSIGN_OR_RETURN(text::Normalizer normalizer, text::Normalizer::Create());
  COMMENTD_ASSIGN_OR_RETURN(text::LinkFinder link_finder, text::LinkFinder::Create());
  COMMENTD_ASSIGN_OR_RETURN(Lexicon lexicon, Lexicon::CreateBuiltin(normalizer));
  COMMENTD_ASSIGN_OR_RETURN(AdDetector ad_detector, AdDetector::Create(normalizer));
  auto engine = std::make_shared<const Engine>(Engine{std::move(normalizer), std::move(link_finder),
                                                      std::move(lexicon), std::move(ad_detector)});
  return std::shared_ptr<const Moderator>(
      new Moderator(std::move(policy), std::move(classifiers), std::move(engine)));
}

Moderator::Moderator(Policy policy, Classifiers classifiers, std::shared_ptr<const Engine> engine)
    : policy_(std::move(policy)),
      classifiers_(std::move(classifiers)),
      engine_(std::move(engine)) {}

std::shared_ptr<const Moderator> Moderator::WithPolicy(Policy policy) const {
  return std::shared_ptr<const Moderator>(new Moderator(std::move(policy), classifiers_, engine_));
}

Moderator::~Moderator() = default;

const Policy& Moderator::policy() const { return policy_; }

std::optional<std::string> Moderator::ModelText(std::string_view text, Rule /*rule*/) const {
  if (text::FindInvalidUtf8(text) != std::string_view::npos) return std::nullopt;
  auto folded = engine_->normalizer.Fold(text);
  if (!folded.ok()) return std::nullopt;
  return engine_->normalizer.Lexical(*folded).text();
}

Verdict Moderator::Evaluate(std::string_view text, std::optional<std::string>* lexical_view) const {
  if (lexical_view != nullptr) lexical_view->reset();
  Verdict verdict;
  verdict.policy_version = policy_.version;

  const size_t bad = text::FindInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    // Nothing can be read reliably; a person decides. The span points at the
    // first bad byte; `match` stays empty because the bytes are not text.
    verdict.decision = Decision::kHold;
    verdict.reasons.push_back(Reason{
        .rule = Rule::kUnreadableText,
        .span = text::Span{static_cast<uint32_t>(bad), static_cast<uint32_t>(bad + 1)},
        .match = "",
        .detail = fmt::format("invalid UTF-8 at byte {}", bad),
        .action = Decision::kHold,
    });
    return verdict;
  }

  auto folded = engine_->normalizer.Fold(text);
  if (!folded.ok()) {  // unreachable after the check above; decided all the same
    verdict.decision = Decision::kHold;
    verdict.reasons.push_back(Reason{.rule = Rule::kUnreadableText,
                                     .span = text::Span{},
                                     .match = "",
                                     .detail = folded.status().message(),
                                     .action = Decision::kHold});
    return verdict;
  }
  const text::NormalizedText lexical = engine_->normalizer.Lexical(*folded);
  if (lexical_view != nullptr) *lexical_view = lexical.text();

  // Links. E-mail addresses are contact details, not "links with an http
  // address"; the ad signals weigh them with the rest of an advertisement.
  for (const text::Link& link : engine_->link_finder.Find(*folded, text)) {
    if (link.kind == text::LinkKind::kEmail) continue;
    if (DomainAllowed(link.host, policy_.link.allowed_domains)) continue;
    std::string detail(text::LinkKindName(link.kind));
    if (link.disguised) detail += link.bidi ? ", disguised:bidi" : ", disguised";
    if (link.shortener) detail += ", shortener";
    verdict.reasons.push_back(Reason{.rule = Rule::kLink,
                                     .span = link.span,
                                     .match = SpanText(text, link.span),
                                     .detail = fmt::format("{}: {}", detail, link.url),
                                     .action = policy_.link.action});
    verdict.scores.link = 1.0;
  }

  // Inappropriate language: lexicon.
  for (const LexiconMatch& m : engine_->lexicon.Find(lexical)) {
    if (m.entry->severity == Severity::kMild && policy_.language.allow_mild) continue;
    const double score = m.entry->severity == Severity::kMild ? 0.5 : 1.0;
    verdict.reasons.push_back(Reason{
        .rule = Rule::kInappropriateLanguage,
        .span = m.span,
        .match = SpanText(text, m.span),
        .detail = fmt::format("{}, {} ({})", CategoryName(m.entry->category),
                              SeverityName(m.entry->severity), m.entry->lang),
        .action = policy_.language.action,
        .score = score,
    });
    verdict.scores.inappropriate_language = std::max(verdict.scores.inappropriate_language, score);
  }

  // Advertisement: rule signals, decided on their combined score.
  const AdAssessment ads = engine_->ad_detector.Assess(text, *folded, lexical);
  verdict.scores.advertisement = ads.score;
  const Decision ad_action =
      ActionForScore(ads.score, policy_.advertisement.hold_threshold,
                     policy_.advertisement.threshold, policy_.advertisement.action);
  if (ad_action != Decision::kPublish) {
    for (const AdSignal& s : ads.signals) {
      verdict.reasons.push_back(Reason{.rule = Rule::kAdvertisement,
                                       .span = s.span,
                                       .match = SpanText(text, s.span),
                                       .detail = s.kind,
                                       .action = ad_action,
                                       .score = s.weight});
    }
  }

  // Classifiers: a probability, with the words that weighed most as span,
  // against the thresholds for the comment's language.
  // The language is read only when a model will be asked: a rules-only
  // engine spends nothing on it.
  const bool any_classifier = classifiers_.inappropriate_language || classifiers_.advertisement;
  const std::string_view language = any_classifier ? text::GuessLanguage(text) : "";
  auto classify = [&](const Classifier* classifier, Rule rule, ClassifierThresholds thresholds,
                      Decision action, double* score) {
    if (classifier == nullptr) return;
    const ClassifierScore s = classifier->Score(lexical);
    *score = std::max(*score, s.probability);
    const Decision d = ActionForScore(s.probability, thresholds.hold_threshold,
                                      thresholds.delete_threshold, action);
    if (d == Decision::kPublish) return;
    verdict.reasons.push_back(Reason{.rule = rule,
                                     .span = s.evidence,
                                     .match = SpanText(text, s.evidence),
                                     .detail = "classifier",
                                     .action = d,
                                     .score = s.probability});
  };
  classify(classifiers_.inappropriate_language.get(), Rule::kInappropriateLanguage,
           policy_.language.Classifier(language), policy_.language.action,
           &verdict.scores.inappropriate_language);
  classify(classifiers_.advertisement.get(), Rule::kAdvertisement,
           policy_.advertisement.Classifier(language), policy_.advertisement.action,
           &verdict.scores.advertisement);

  for (const Reason& r : verdict.reasons) verdict.decision = Stricter(verdict.decision, r.action);
  std::stable_sort(verdict.reasons.begin(), verdict.reasons.end(),
                   [](const Reason& a, const Reason& b) { return a.span.begin < b.span.begin; });
  MergeAndCap(text, &verdict.reasons);
  return verdict;
}

}  // namespace commentd::moderation

#include "moderation/moderator.h"

#include <algorithm>
#include <limits>
#include <map>

#include "moderation/ad_detector.h"
#include "moderation/lexicon.h"
#include "text/language.h"
#include "text/link_finder.h"
#include "text/normalizer.h"
#include "text/script.h"
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

}  // namespace

ModelDecision Calibrate(double probability, ClassifierThresholds thresholds, Decision action,
                        Decision rules) {
  ModelDecision d;
  // A threshold of 1 means "never": a saturated model's probability can be
  // exactly 1.0 in double precision, and must not act on it.
  constexpr double kNever = std::numeric_limits<double>::infinity();
  if (thresholds.delete_threshold >= 1.0) thresholds.delete_threshold = kNever;
  if (thresholds.hold_threshold >= 1.0) thresholds.hold_threshold = kNever;
  d.model =
      ActionForScore(probability, thresholds.hold_threshold, thresholds.delete_threshold, action);
  d.combined = Stricter(rules, d.model);
  if (rules == Decision::kHold && d.model != Decision::kPublish) {
    // A rule and a model agree that the comment breaks the rule: together
    // they are what the model alone may only be at high confidence. Never
    // past what the publisher does with the rule.
    d.combined = action;
    d.escalated = d.model == Decision::kHold && action == Decision::kDelete;
  }
  return d;
}

namespace {

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

// A mild swear ("damn", "hell", "crap") that the policy tolerates: the word
// itself is all the offence there is, so a model must not weigh it either.
// Mild insults, slurs and sexual words are tolerated by the word list too
// ("scumbag", "shut up"), but they are aimed at someone, which is what the
// language model is there to judge, so it still reads them (masking every
// mild word cost 8 points of recall on the English dev sets).
bool IsToleratedSwear(const LexiconEntry& entry, const LanguagePolicy& policy) {
  return policy.allow_mild && entry.severity == Severity::kMild &&
         entry.category == Category::kProfanity;
}

// --- What the models do not read (Moderator::ModelText).
//
// A classifier learns words, not the policy: trained on abuse it reads
// "Scunthorpe", "Dickinson" or "操场" as the words inside them, and trained
// on spam it reads "A/RES/75/1" as a link's slashes. So before a model
// reads a comment, every span the policy has already judged innocent is
// overwritten with spaces in its copy of the lexical view. Same length, so
// token offsets remain lexical-view offsets and evidence spans still map to
// the original; spaces rather than a placeholder token because a masked
// span then adds no feature at all (neither a word nor a bigram), which is
// what "cannot move a classifier" means.

using text::IsAsciiAlnum;
using text::IsAsciiDigit;

// The lexical-view bytes whose original lies inside `original`, as a range
// of lexical.text(); empty when there are none. Origins never go backwards
// along the view, so the first byte is found by binary search.
text::Span LexicalRangeOf(const text::NormalizedText& lexical, text::Span original) {
  const size_t n = lexical.size();
  size_t lo = 0, hi = n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (lexical.ToOriginal(mid, mid + 1).begin < original.begin) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  size_t end = lo;
  while (end < n && original.Contains(lexical.ToOriginal(end, end + 1))) ++end;
  return text::Span{static_cast<uint32_t>(lo), static_cast<uint32_t>(end)};
}

// Widens a range of the view to the whole Latin word around it: an
// allowlisted "assassination" masks all of "assassinations".
text::Span WholeWord(std::string_view view, text::Span range) {
  while (range.begin > 0 && IsAsciiAlnum(view[range.begin - 1]) && range.begin < view.size() &&
         IsAsciiAlnum(view[range.begin])) {
    --range.begin;
  }
  while (range.end < view.size() && range.end > 0 && IsAsciiAlnum(view[range.end - 1]) &&
         IsAsciiAlnum(view[range.end])) {
    ++range.end;
  }
  return range;
}

// True when the word starting at byte `begin` of `original` opens a
// sentence: nothing but spaces, quotes and brackets stand between it and the
// start of the text, a line break, or a sentence's closing mark.
bool OpensSentence(std::string_view original, size_t begin) {
  size_t i = begin;
  while (i > 0) {
    const char c = original[i - 1];
    if (c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '(' || c == '[' || c == '*') {
      --i;
      continue;
    }
    if (c == '\n' || c == '\r' || c == '.' || c == '!' || c == '?' || c == ':') return true;
    // Closing marks of CJK and typographic text: 。 ！ ？ … and the curly
    // opening quotes, which are skipped like the straight ones.
    const std::string_view before = original.substr(0, i);
    if (before.ends_with("\u201C") || before.ends_with("\u2018")) {
      i -= 3;
      continue;
    }
    return before.ends_with("\u3002") || before.ends_with("\uFF01") || before.ends_with("\uFF1F") ||
           before.ends_with("\u2026");
  }
  return true;
}

// Proper names for the language model: Latin words written with a capital
// and then lower case ("Dickinson", "Penistone", "Cockburn") inside a
// sentence, where English capitalises only names, that no lexicon entry
// matched. Shouting ("IDIOT") has no lower case and stays; a sentence's
// first word may be any word, so it stays too (the allowlist covers the
// innocent names that open sentences).
void AddProperNames(std::string_view original, const text::NormalizedText& lexical,
                    const std::vector<text::Span>& flagged, std::vector<text::Span>* masked) {
  const std::string& view = lexical.text();
  size_t i = 0;
  while (i < view.size()) {
    if (!IsAsciiAlnum(view[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < view.size() && IsAsciiAlnum(view[j])) ++j;
    const text::Span word = lexical.ToOriginal(i, j);
    const text::Span range{static_cast<uint32_t>(i), static_cast<uint32_t>(j)};
    i = j;
    if (word.end > original.size() || word.size() < 2) continue;
    const char first = original[word.begin];
    if (first < 'A' || first > 'Z') continue;
    const std::string_view rest = original.substr(word.begin + 1, word.size() - 1);
    if (std::none_of(rest.begin(), rest.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
      continue;
    }
    if (OpensSentence(original, word.begin)) continue;
    if (std::any_of(flagged.begin(), flagged.end(),
                    [&](const text::Span& f) { return f.Overlaps(word); })) {
      continue;
    }
    masked->push_back(range);
  }
}

// Numbers for the ad model: every run of letters, digits and the marks that
// join them in codes ("A/RES/75/1", "S/2019/123", "#A-2231", "2024-05-01",
// "$1,200.50", "12:30") that holds a digit, unless a signal of the ad rules
// lies on it: a phone number, a handle "bob123", an income claim "$500 a
// day" are what an ad is made of, and the model reads them with the rest.
// Runs with a dot before a letter are domains, left to the link rules and
// the model alike.
void AddNumbers(const text::NormalizedText& lexical, const std::vector<text::Span>& ad_signals,
                std::vector<text::Span>* masked) {
  const std::string& view = lexical.text();
  auto joiner = [](char c) {
    return c == '/' || c == '-' || c == '.' || c == ',' || c == ':' || c == '#';
  };
  size_t i = 0;
  while (i < view.size()) {
    if (!IsAsciiAlnum(view[i])) {
      ++i;
      continue;
    }
    size_t begin = i;
    size_t j = i;
    bool digit = false, domain = false;
    while (j < view.size()) {
      if (IsAsciiAlnum(view[j])) {
        digit = digit || IsAsciiDigit(view[j]);
        ++j;
      } else if (joiner(view[j]) && j + 1 < view.size() && IsAsciiAlnum(view[j + 1])) {
        domain = domain || (view[j] == '.' && !IsAsciiDigit(view[j + 1]));
        ++j;
      } else {
        break;
      }
    }
    i = j;
    if (!digit || domain) continue;
    // A sign or currency in front belongs to the number: "#12345", "$40".
    for (std::string_view prefix : {"#", "$", "\u20AC", "\u00A3", "\u00A5", "\u20A9"}) {
      if (view.substr(0, begin).ends_with(prefix)) {
        begin -= prefix.size();
        break;
      }
    }
    const text::Span run = lexical.ToOriginal(begin, j);
    if (std::any_of(ad_signals.begin(), ad_signals.end(),
                    [&](const text::Span& c) { return c.Overlaps(run); })) {
      continue;
    }
    masked->push_back(text::Span{static_cast<uint32_t>(begin), static_cast<uint32_t>(j)});
  }
}

}  // namespace

// What the policy has already judged in one comment, read once by Evaluate
// (or ModelText) and handed to MaskFor for each model.
struct Moderator::Findings {
  std::vector<LexiconMatch> words;     // the lexicons' matches
  std::vector<text::Span> innocent;    // Lexicon::Find's innocent words: lexical-view ranges
  std::vector<text::Span> ad_signals;  // the ad rules' signals, original spans
};

std::vector<text::Span> Moderator::MaskFor(Rule rule, std::string_view original,
                                           const text::NormalizedText& lexical,
                                           const Findings& findings) const {
  std::vector<text::Span> masked;
  const std::string& view = lexical.text();
  std::vector<text::Span> flagged;  // original spans the lexicons hold against the comment
  for (const LexiconMatch& m : findings.words) {
    if (IsToleratedSwear(*m.entry, policy_.language)) {
      masked.push_back(LexicalRangeOf(lexical, m.span));
    } else {
      flagged.push_back(m.span);
    }
  }
  auto is_flagged = [&](text::Span original) {
    return std::any_of(flagged.begin(), flagged.end(),
                       [&](const text::Span& f) { return f.Overlaps(original); });
  };
  for (const text::Span& innocent : findings.innocent) {
    const text::Span range = WholeWord(view, innocent);
    if (range.begin >= range.end || range.end > view.size()) continue;
    // A word the lexicons match elsewhere in it ("fuckass") is no innocent word.
    if (is_flagged(lexical.ToOriginal(range.begin, range.end))) continue;
    masked.push_back(range);
  }
  if (rule == Rule::kInappropriateLanguage) {
    AddProperNames(original, lexical, flagged, &masked);
  } else if (rule == Rule::kAdvertisement) {
    AddNumbers(lexical, findings.ad_signals, &masked);
  }
  std::erase_if(masked, [](const text::Span& r) { return r.begin >= r.end; });
  std::sort(masked.begin(), masked.end(),
            [](const text::Span& a, const text::Span& b) { return a.begin < b.begin; });
  return masked;
}

namespace {

// `view` with the ranges of `masked` overwritten by spaces.
std::string Masked(const std::string& view, const std::vector<text::Span>& masked) {
  std::string out = view;
  for (const text::Span& r : masked) {
    const size_t end = std::min<size_t>(r.end, out.size());
    for (size_t i = r.begin; i < end; ++i) out[i] = ' ';
  }
  return out;
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

std::optional<std::string> Moderator::ModelText(std::string_view text, Rule rule) const {
  if (text::FindInvalidUtf8(text) != std::string_view::npos) return std::nullopt;
  auto folded = engine_->normalizer.Fold(text);
  if (!folded.ok()) return std::nullopt;
  const text::NormalizedText lexical = engine_->normalizer.Lexical(*folded);
  Findings findings;
  findings.words = engine_->lexicon.Find(lexical, &findings.innocent);
  if (rule == Rule::kAdvertisement) {
    for (const AdSignal& s : engine_->ad_detector.Assess(text, *folded, lexical).signals) {
      findings.ad_signals.push_back(s.span);
    }
  }
  return Masked(lexical.text(), MaskFor(rule, text, lexical, findings));
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

  // Inappropriate language: lexicon. The innocent words are found in the
  // same scan, and only when a model will read the masked text.
  const bool any_model = classifiers_.inappropriate_language || classifiers_.advertisement;
  Findings findings;
  findings.words = engine_->lexicon.Find(lexical, any_model ? &findings.innocent : nullptr);
  for (const LexiconMatch& m : findings.words) {
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

  // Classifiers: each reads its masked view (ModelText) and gives a
  // probability, with the words that weighed most as evidence, which meets
  // the thresholds for the comment's language. The language and the masks
  // are worked out only when a model will be asked: a rules-only engine
  // spends nothing on them.
  if (any_model) {
    for (const AdSignal& s : ads.signals) findings.ad_signals.push_back(s.span);
    const std::string_view language = text::GuessLanguage(text);
    auto classify = [&](const Classifier* classifier, Rule rule, ClassifierThresholds thresholds,
                        Decision action, double* score) {
      if (classifier == nullptr) return;
      const std::vector<text::Span> masked = MaskFor(rule, text, lexical, findings);
      const ClassifierScore s = classifier->Score(Masked(lexical.text(), masked), lexical);
      *score = std::max(*score, s.probability);
      Decision rules = Decision::kPublish;  // what the rules decided for this rule alone
      for (const Reason& r : verdict.reasons) {
        if (r.rule == rule) rules = Stricter(rules, r.action);
      }
      const ModelDecision d = Calibrate(s.probability, thresholds, action, rules);
      if (d.model == Decision::kPublish) return;
      // A model whose strongest word the policy had judged innocent does not
      // decide (spaces cannot be evidence; a model reading the text some
      // other way could still point into a masked span).
      if (s.evidence.size() > 0 &&
          std::any_of(masked.begin(), masked.end(), [&](const text::Span& r) {
            return lexical.ToOriginal(r.begin, r.end).Contains(s.evidence);
          })) {
        return;
      }
      std::string detail = fmt::format(
          "classifier: probability {:.6f} reached the {} threshold {}", s.probability,
          DecisionName(d.model),
          d.model == Decision::kDelete ? thresholds.delete_threshold : thresholds.hold_threshold);
      if (d.model != Decision::kDelete) {
        detail += fmt::format(" (delete at {})", thresholds.delete_threshold);
      }
      if (!language.empty()) detail += fmt::format(", language {}", language);
      if (d.escalated)
        detail += fmt::format("; the rules hold it too: {}", DecisionName(d.combined));
      verdict.reasons.push_back(Reason{.rule = rule,
                                       .span = s.evidence,
                                       .match = SpanText(text, s.evidence),
                                       .detail = std::move(detail),
                                       .action = d.escalated ? d.combined : d.model,
                                       .score = s.probability});
    };
    classify(classifiers_.inappropriate_language.get(), Rule::kInappropriateLanguage,
             policy_.language.Classifier(language), policy_.language.action,
             &verdict.scores.inappropriate_language);
    classify(classifiers_.advertisement.get(), Rule::kAdvertisement,
             policy_.advertisement.Classifier(language), policy_.advertisement.action,
             &verdict.scores.advertisement);
  }

  for (const Reason& r : verdict.reasons) verdict.decision = Stricter(verdict.decision, r.action);
  std::stable_sort(verdict.reasons.begin(), verdict.reasons.end(),
                   [](const Reason& a, const Reason& b) { return a.span.begin < b.span.begin; });
  MergeAndCap(text, &verdict.reasons);
  return verdict;
}

}  // namespace commentd::moderation

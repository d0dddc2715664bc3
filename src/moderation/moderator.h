// Moderator: the engine that applies the publisher's policy to one comment.
//
// Evaluate runs the pipeline in order: validate UTF-8, build the folded and
// lexical views (text::Normalizer), find links (text::LinkFinder), words
// (Lexicon) and ad signals (AdDetector), ask the classifiers if any, and
// turn the findings into a Verdict under the Policy. It does no I/O.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "moderation/classifier.h"
#include "moderation/policy.h"
#include "moderation/verdict.h"
#include "text/normalizer.h"
#include "text/span.h"

namespace commentd::moderation {

// The learned models a Moderator may consult; either may be null.
struct Classifiers {
  std::shared_ptr<const Classifier> advertisement;
  std::shared_ptr<const Classifier> inappropriate_language;
};

// What a classifier's probability does to a comment under the policy, for
// one rule (the calibrated decision; training's tuner applies the same).
struct ModelDecision {
  // The model alone: the rule's action at or above the delete threshold,
  // hold at or above the hold threshold (never more than the action), else
  // publish.
  Decision model = Decision::kPublish;
  // With the rules' decision for the same rule: when the rules hold and the
  // model does not publish, the rule's action (a rule agrees); otherwise the
  // stricter of the two.
  Decision combined = Decision::kPublish;
  // True when that agreement turned the model's hold into a delete.
  bool escalated = false;
};

// `action` is the policy's action for the rule, `rules` what the rules
// alone decided for it (publish when nothing fired).
ModelDecision Calibrate(double probability, ClassifierThresholds thresholds, Decision action,
                        Decision rules);

// Built once, then immutable: share it as std::shared_ptr<const Moderator>
// and swap it whole when the policy changes. Thread-safe.
class Moderator {
 public:
  // Builds the normalizer, link finder, built-in lexicons and ad detector.
  // Fails (kInternal) only if ICU, libpsl or Vectorscan cannot initialize.
  static base::Result<std::shared_ptr<const Moderator>> Create(Policy policy,
                                                               Classifiers classifiers = {});

  ~Moderator();

  // Reasons listed per rule; past it, one more reason of the rule (empty
  // match, detail "N more like these, not listed") spans the rest.
  static constexpr size_t kMaxReasonsPerRule = 20;

  // Always returns a Verdict. Invalid UTF-8 is decided "hold" with a reason
  // of rule unreadable_text at the first bad byte. Findings of one rule and
  // detail that touch or are separated only by spaces and punctuation are
  // one reason; at most kMaxReasonsPerRule + 1 reasons per rule.
  Verdict Evaluate(std::string_view text) const { return Evaluate(text, nullptr); }
  // As Evaluate, and when `lexical_view` is not null sets it to the text's
  // lexical view (what the lexicons read), or to nullopt for text that is not
  // UTF-8: a caller that needs the view too (the repetition hash) does not
  // normalize the text a second time.
  Verdict Evaluate(std::string_view text, std::optional<std::string>* lexical_view) const;

  // What the classifier of `rule` (kAdvertisement or kInappropriateLanguage)
  // reads of `text` under this policy: its lexical view with the spans the
  // policy has already judged innocent overwritten by spaces, as one string
  // of the same length as the lexical view (so spans still map to the
  // original). Both models lose allowlisted words and the mild words the
  // policy tolerates; the language model also loses proper names
  // (capitalised words inside a sentence that no lexicon lists), the ad model
  // document codes, order and case numbers, dates and amounts. nullopt for
  // text that is not UTF-8. Training and evaluation call this too, so a
  // model learns from exactly what it is shown.
  std::optional<std::string> ModelText(std::string_view text, Rule rule) const;

  const Policy& policy() const;

  // The same engine and classifiers under another policy: no lexicon or
  // model is built again, so a policy change takes effect at once.
  std::shared_ptr<const Moderator> WithPolicy(Policy policy) const;

 private:
  struct Engine;
  struct Findings;
  // The ranges of `lexical`'s text that the model of `rule` does not read.
  std::vector<text::Span> MaskFor(Rule rule, std::string_view original,
                                  const text::NormalizedText& lexical,
                                  const Findings& findings) const;
  Moderator(Policy policy, Classifiers classifiers, std::shared_ptr<const Engine> engine);
  Policy policy_;
  Classifiers classifiers_;
  std::shared_ptr<const Engine> engine_;  // shared by WithPolicy's copies
};

}  // namespace commentd::moderation

// Classifier: a learned model that gives the probability that a comment
// breaks one rule. Rules give exact spans; classifiers catch what word lists
// miss. The fastText adapter (fasttext_classifier.h) implements it.
#pragma once

#include <string>
#include <string_view>

#include "text/normalizer.h"
#include "text/span.h"

namespace commentd::moderation {

struct ClassifierScore {
  double probability = 0;  // that the comment breaks the classifier's rule
  text::Span evidence;     // the words that weighed most, in the original text (may be empty)
};

// Implementations are immutable after creation; Thread-safe.
class Classifier {
 public:
  virtual ~Classifier() = default;
  // `model_text` is what the model reads (Moderator::ModelText: the lexical
  // view with innocent spans masked), exactly as long as `lexical`, the
  // Normalizer's lexical view of the comment, which maps its byte offsets to
  // the original text for the evidence span.
  virtual ClassifierScore Score(std::string_view model_text,
                                const text::NormalizedText& lexical) const = 0;
  // The unmasked lexical view read as is (tests and benchmarks).
  ClassifierScore Score(const text::NormalizedText& lexical) const {
    return Score(lexical.text(), lexical);
  }
};

}  // namespace commentd::moderation

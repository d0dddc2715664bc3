// Classifier: a learned model that gives the probability that a comment
// breaks one rule. Rules give exact spans; classifiers catch what word lists
// miss. The fastText adapter (fasttext_classifier.h) implements it.
#pragma once

#include <string>

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
  // `lexical` is the Normalizer's lexical view of the comment.
  virtual ClassifierScore Score(const text::NormalizedText& lexical) const = 0;
};

}  // namespace commentd::moderation

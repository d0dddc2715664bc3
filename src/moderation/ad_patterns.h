// The phrase and pattern scanner of the ad detector: the contact handles,
// calls to action and spam keywords of lexicons/ads/*.tsv (embedded in the
// binary at build time), compiled into Vectorscan databases once.
//
// A pattern file is named for its signal kind (contact_handle.tsv,
// money_call.tsv, spam_keyword.tsv); each line is
// weight<TAB>form<TAB>text, where weight is decisive, strong, medium or weak
// (ad_kinds.h) and form is
//  - phrase: a literal phrase as a writer would type it. It goes through
//    Normalizer::LexicalString at Create, so it is matched against the
//    lexical view in the same shape the comment takes there (katakana as
//    hiragana, leetspeak folded, "c a s i n o" joined). ASCII phrases are
//    matched on word boundaries, CJK ones anywhere.
//  - regex: a Vectorscan expression over the folded view, for shapes that
//    carry digits or IDs (which the lexical view would leet-fold: "abc123"
//    becomes "abcize"). Written in folded form: lower case, ASCII digits and
//    colon, katakana as katakana.
// Blank lines and lines starting with '#' are comments.
//
// A per-language table (en.tsv, ko.tsv, zh.tsv, ja.tsv: a two-letter stem)
// has a category column: weight<TAB>form<TAB>category<TAB>text, where the
// category is offer:<name> or contact:<name> (lower-case letters and '_',
// e.g. offer:loan, contact:messenger). The category is data: it names the
// signal the moderator sees, and its prefix decides the kind (kOffer or
// kContact) and so how it combines (ad_kinds.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "moderation/ad_kinds.h"
#include "text/normalizer.h"

namespace commentd::moderation::ads {

enum class Form : uint8_t { kPhrase, kRegex };

// One line of a pattern file.
struct AdPattern {
  Kind kind;
  double weight;
  Form form;
  std::string text;
  std::string label = {};  // a per-language table's category ("offer:loan"); else empty
};

// Parses the pattern file `name` ("money_call.tsv": the stem is the kind;
// "ja.tsv": a per-language table with a category column).
// Fails with kInvalidArgument naming the file and line ("money_call.tsv:12:
// unknown weight 'huge' (want decisive, strong, medium or weak)", "ja.tsv:40:
// category 'loan' is not offer:<name> or contact:<name>") or, for an unknown
// kind, the file.
base::Result<std::vector<AdPattern>> ParseAdPatterns(std::string_view contents,
                                                     std::string_view name);

// The built-in pattern files of lexicons/ads/, parsed, in file name order.
base::Result<std::vector<AdPattern>> BuiltinAdPatterns();

// The compiled patterns. Immutable after Create; scan scratch space is
// pooled behind a mutex. Thread-safe.
class AdPatterns {
 public:
  // Compiles `patterns`; phrases pass through `normalizer.LexicalString`
  // (used only during Create). Fails (kInternal) when Vectorscan rejects a
  // pattern or cannot allocate scratch space.
  static base::Result<AdPatterns> Create(const std::vector<AdPattern>& patterns,
                                         const text::Normalizer& normalizer);

  AdPatterns(AdPatterns&&) noexcept;
  AdPatterns& operator=(AdPatterns&&) noexcept;
  ~AdPatterns();

  // Appends a Candidate for every pattern match: phrases over `lexical`,
  // regexes over `folded` (views of one original text, as AdDetector::Assess
  // takes them); spans point into the original. A pattern's matches share
  // one key. Never fails.
  void Scan(const text::NormalizedText& folded, const text::NormalizedText& lexical,
            std::vector<Candidate>* out) const;

 private:
  struct State;
  explicit AdPatterns(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace commentd::moderation::ads

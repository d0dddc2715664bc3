// Lexicon: the inappropriate-language word lists of the four languages,
// compiled into one Vectorscan database and matched over the lexical view.
//
// Each entry has a language, a category and a severity. Latin-script entries
// match whole words only (so "Scunthorpe" and "assassination" are innocent);
// Hangul, Han and Kana entries match inside words, and an allowlist of
// innocent words that contain them (시발점, 操场, ...) suppresses the match.
// Entries and allowlist words pass through the same Normalizer as the text,
// so they are written plainly and still match evasions; a Latin word masked
// with placeholders ("n***er", "c**t") matches the strong or severe entry its
// typed letters fix.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "text/normalizer.h"
#include "text/span.h"

namespace commentd::moderation {

enum class Category { kProfanity, kSlur, kSexual, kAbuse };
enum class Severity { kMild, kStrong, kSevere };

std::string_view CategoryName(Category c);
std::string_view SeverityName(Severity s);
base::Result<Category> ParseCategory(std::string_view name);
base::Result<Severity> ParseSeverity(std::string_view name);

// How an entry's ends must sit in the text.
enum class Boundary {
  kWord,    // both ends at word boundaries (default for Latin script)
  kPrefix,  // starts at a word boundary, may run on ("fuck" -> "fuckface")
  kInside,  // anywhere (default for Hangul, Han, Kana)
};

struct LexiconEntry {
  std::string term;  // as written in the lexicon file
  std::string lang;  // "en", "ko", "zh", "ja"
  Category category = Category::kProfanity;
  Severity severity = Severity::kStrong;
  Boundary boundary = Boundary::kWord;
};

struct LexiconMatch {
  text::Span span;                      // in the original text
  const LexiconEntry* entry = nullptr;  // lives as long as the Lexicon
};

// The compiled lexicons. Immutable after Create; Find borrows Vectorscan
// scratch space from an internal pool, so any number of threads may call it.
// Thread-safe.
class Lexicon {
 public:
  // Compiles `entries` and `allowed` (innocent words) with `normalizer`.
  // kInvalidArgument naming the entry when one normalizes to nothing or
  // cannot be compiled.
  static base::Result<Lexicon> Create(const text::Normalizer& normalizer,
                                      std::vector<LexiconEntry> entries,
                                      std::vector<std::string> allowed);

  // The lexicons built into commentd (lexicons/*.tsv in the source tree;
  // allow.tsv is the allowlist, every other file a lexicon).
  static base::Result<Lexicon> CreateBuiltin(const text::Normalizer& normalizer);

  // Parses a lexicon file: lines "term<TAB>lang<TAB>category<TAB>severity[<TAB>boundary]",
  // '#' comments and blank lines skipped. kInvalidArgument naming `source` and
  // the line number on a bad line.
  static base::Result<std::vector<LexiconEntry>> ParseEntries(std::string_view contents,
                                                              std::string_view source);

  // Parses an allowlist file: lines "word[<TAB>lang]", '#' comments and blank
  // lines skipped. kInvalidArgument naming `source` and the line number on a
  // bad line.
  static base::Result<std::vector<std::string>> ParseAllowed(std::string_view contents,
                                                             std::string_view source);

  Lexicon(Lexicon&&) noexcept;
  Lexicon& operator=(Lexicon&&) noexcept;
  ~Lexicon();

  // Matches in `lexical` (a Normalizer::Lexical view), ordered by span, with
  // overlapping matches of the same region reduced to the longest. Includes
  // mild entries (the caller decides what they do) and masked words.
  //
  // When `innocent` is not null it receives, from the same scan, the words
  // the lexicons judge innocent although they contain an entry: allowlisted
  // words (시발점, 操场, Scunthorpe) and Latin words in which a whole-word or
  // prefix entry sits where Find does not match it ("ass" in "embassy",
  // "arse" in "Arsenal"), the latter widened to the whole word. Byte ranges
  // of lexical.text() itself, not of the original text, ordered by start; a
  // range may overlap a match. Moderator::ModelText masks them so that a
  // classifier, which reads character n-grams, never reads the entry inside.
  std::vector<LexiconMatch> Find(const text::NormalizedText& lexical,
                                 std::vector<text::Span>* innocent = nullptr) const;

  size_t size() const;

 private:
  struct State;
  explicit Lexicon(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace commentd::moderation

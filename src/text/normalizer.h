// Normalization: the views of a comment that the detectors read, each mapping
// every byte back to the bytes the writer typed.
//
// Writers evade filters with fullwidth letters, homoglyphs, zero-width
// characters, accents, leetspeak, stretched and spaced letters, digits inside
// Korean words. The Normalizer undoes these in two steps:
//  - Fold: the "folded" view (links and ad signals read it): NFKC + case
//    folding, format characters dropped, Latin homoglyphs and accents folded
//    to ASCII. Punctuation, digits and spaces stay as they are.
//  - Lexical: the "lexical" view (lexicon matching reads it), built from the
//    folded view: leetspeak folded inside words, separators inside spaced or
//    dotted words bridged ("f u c k", "씨1발"), runs of compatibility jamo
//    composed into syllables ("ㅆㅣㅂㅏㄹ" -> "씨발").
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "text/span.h"

namespace commentd::text {

// A normalized string and, for each of its bytes, the original span it came
// from. Thread-compatible.
class NormalizedText {
 public:
  const std::string& text() const { return text_; }
  size_t size() const { return text_.size(); }
  bool empty() const { return text_.empty(); }

  // The original span covering normalized bytes [begin, end).
  // Precondition: begin < end <= size().
  Span ToOriginal(size_t begin, size_t end) const;

  // Appends `utf8` (whole code points) produced from original bytes `origin`.
  void Append(std::string_view utf8, Span origin);

  // Reserves room for `bytes` normalized bytes.
  void Reserve(size_t bytes) {
    text_.reserve(bytes);
    origin_.reserve(bytes);
  }

 private:
  std::string text_;
  std::vector<Span> origin_;  // origin_[i] is where text_[i] came from
};

// Builds the views. Immutable after Create; Thread-safe.
class Normalizer {
 public:
  // Fails (kInternal) only when ICU's data cannot be loaded.
  static base::Result<Normalizer> Create();

  Normalizer(Normalizer&&) noexcept;
  Normalizer& operator=(Normalizer&&) noexcept;
  ~Normalizer();

  // The folded view of `original`. kInvalidArgument naming the byte offset
  // when `original` is not valid UTF-8.
  base::Result<NormalizedText> Fold(std::string_view original) const;

  // The lexical view, derived from a folded view (spans still point into
  // the original text the folded view came from).
  NormalizedText Lexical(const NormalizedText& folded) const;

  // Convenience for lexicon entries and tests: Lexical(Fold(s)).text(), or
  // the error of Fold.
  base::Result<std::string> LexicalString(std::string_view s) const;

  // The key two names are compared by (bans, reserved names, per-author rate
  // limits): names that a reader cannot tell apart get the same key. NFKC +
  // case folding, default-ignorable characters (zero-width, bidi controls)
  // dropped, white space (NBSP and the other Unicode spaces too) collapsed
  // to one space and trimmed, then ICU's confusable skeleton (UTS #39), so
  // "Spammer", " spammer", "spam\u200Bmer", "ѕраммег" (Cyrillic) and
  // "Ｓｐａｍｍｅｒ" share one key. The key is for comparing only: never
  // show it. kInvalidArgument when `name` is not UTF-8.
  base::Result<std::string> NameKey(std::string_view name) const;

 private:
  struct Tables;
  explicit Normalizer(std::unique_ptr<const Tables> tables);
  std::unique_ptr<const Tables> tables_;
};

}  // namespace commentd::text

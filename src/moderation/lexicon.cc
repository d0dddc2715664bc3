#include "moderation/lexicon.h"

#include <fmt/format.h>
#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <map>
#include <span>
#include <tuple>
#include <utility>

#include "base/check.h"
#include "base/mutex.h"
#include "moderation/builtin_lexicons.h"
#include "text/script.h"
#include "text/utf8.h"

namespace commentd::moderation {
namespace {

// The script family of a code point, as far as word boundaries care. A
// boundary is only broken by a neighbour of the same family as the entry's
// edge: "fuck" inside "fucking" is no word, but "fuck你" or "SB吧" are, since
// Chinese and Japanese writers put Latin words against Han and Kana with no
// space. Likewise a Hangul entry marked `prefix` is not matched after
// another syllable, whatever Latin or Han text stands around it. (Kana
// entries rarely want `word`: the lexical view folds Katakana to Hiragana,
// so a particle after a Katakana word counts as the same family.) The
// scripts are text/script.h's; digits and the other alphabets the folding
// leaves (Greek, Cyrillic) join Latin words, so they count as Latin here.
using text::Script;

Script ScriptOf(char32_t c) {
  const Script script = text::ScriptOf(c);
  if (script == Script::kGreek || script == Script::kCyrillic || (c >= U'0' && c <= U'9')) {
    return Script::kLatin;
  }
  return script;
}

bool IsSpace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r'; }

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Calls `f(line_number, line)` for every line that is not blank or a comment;
// stops at the first error.
template <typename F>
base::Status ForEachDataLine(std::string_view contents, F f) {
  size_t line_number = 0;
  while (!contents.empty()) {
    ++line_number;
    size_t newline = contents.find('\n');
    std::string_view line = contents.substr(0, newline);
    contents.remove_prefix(newline == std::string_view::npos ? contents.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view trimmed = Trim(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    COMMENTD_RETURN_IF_ERROR(f(line_number, line));
  }
  return base::OkStatus();
}

base::Status CheckLang(std::string_view lang) {
  bool ok = lang.size() >= 2 && lang.size() <= 3 &&
            std::all_of(lang.begin(), lang.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  if (!ok)
    return base::InvalidArgumentError("language '{}' is not a lowercase code like 'en'", lang);
  return base::OkStatus();
}

base::Result<Boundary> ParseBoundary(std::string_view name) {
  if (name == "word") return Boundary::kWord;
  if (name == "prefix") return Boundary::kPrefix;
  if (name == "inside") return Boundary::kInside;
  return base::InvalidArgumentError("unknown boundary '{}' (want word, prefix or inside)", name);
}

// Hangul, Han and Kana words are not separated by spaces the way Latin words
// are, so their entries match inside words unless the file says otherwise.
Boundary DefaultBoundary(std::string_view term) {
  size_t pos = 0;
  while (pos < term.size()) {
    Script s = ScriptOf(text::DecodeUtf8(term, &pos));
    if (s == Script::kHangul || s == Script::kHan || s == Script::kKana) return Boundary::kInside;
  }
  return Boundary::kWord;
}

// Stretched letters ("fuuuuck", "shiiit") are handled by squeezing: every
// run of one repeated ASCII letter or digit, and every run of whitespace,
// becomes one byte, both in the text and in the terms. The terms are then
// plain literals, which Vectorscan compiles in a fraction of the time a
// database of "f+u+c+k+" expressions takes (seconds at startup for every
// process otherwise) and scans faster. A squeezed term remembers how long
// each of its runs was, and a match must have runs at least that long: the
// term "ass" squeezes to "as" with runs 1,2, so the text "as" (runs 1,1)
// does not match it while "assss" does. This is exactly the language of the
// expression a+s+s+, without the expression.
struct Squeezed {
  std::string text;
  // origin[i] is the first byte in the unsqueezed text that text[i] stands
  // for; origin[i + 1] - origin[i] is how many bytes it stands for (the run
  // length). One sentinel at the end.
  std::vector<uint32_t> origin;

  uint32_t Run(size_t i) const { return origin[i + 1] - origin[i]; }
};

bool IsSqueezable(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void Squeeze(std::string_view s, Squeezed* out) {
  out->text.clear();
  out->origin.clear();
  out->text.reserve(s.size());
  out->origin.reserve(s.size() + 1);
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t j = i + 1;
    if (IsSpace(c)) {
      while (j < s.size() && IsSpace(static_cast<unsigned char>(s[j]))) ++j;
      out->text.push_back(' ');
    } else {
      if (IsSqueezable(c)) {
        while (j < s.size() && static_cast<unsigned char>(s[j]) == c) ++j;
      }
      out->text.push_back(static_cast<char>(c));
    }
    out->origin.push_back(static_cast<uint32_t>(i));
    i = j;
  }
  out->origin.push_back(static_cast<uint32_t>(s.size()));
}

// The Vectorscan expression matching squeezed `literal` literally: ASCII
// letters and digits as themselves, other ASCII bytes as \xHH so no regex
// metacharacter survives, other code points as UTF-8 (their bytes are >=
// 0x80, never metacharacters).
std::string LiteralPattern(std::string_view literal) {
  std::string pattern;
  for (char ch : literal) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || IsSqueezable(c)) {
      pattern.push_back(ch);
    } else {
      pattern += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    }
  }
  return pattern;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && IsSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && IsSpace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

struct Hit {
  uint32_t from;
  uint32_t to;
  uint32_t id;
};

int OnMatch(unsigned int id, unsigned long long from, unsigned long long to, unsigned int /*flags*/,
            void* context) {
  auto* hits = static_cast<std::vector<Hit>*>(context);
  hits->push_back(Hit{static_cast<uint32_t>(from), static_cast<uint32_t>(to), id});
  return 0;
}

// Masked words: "n***er", "c**t", "b***h", "f#ck", "sh-t". Writers who
// hide a swear with placeholders keep its first letter and a few more so
// that readers still recognise it; the lexical view keeps the placeholders
// (leetspeak such as "$hit" or "b!tch" is already folded to letters). A
// masked word matches a listed strong or severe single Latin word when its
// letters sit in the same places and each placeholder run stands for one or
// more letters. Placeholders that are also ordinary punctuation (".", "-",
// "_", "?", "#") count only singly, each standing for one letter, between letters
// ("f.ck", "sh_t"). What keeps innocent text out:
//  - the word starts with a letter the writer typed, and at least two typed
//    letters (three when only weak placeholders mask it) and a third of the
//    term's letters are typed: "f***", "s***" and "****" fix no word;
//  - a placeholder run at the end stands for exactly as many letters as it
//    has ("bit*" with a footnote star is not "bitch"; "sh**" is "shit"), and
//    a word wrapped in placeholders with none inside ("*bit*") is emphasis;
//  - only strong and severe entries are masked: a masked mild word changes
//    nothing by default, and short mild words would make "a**" ambiguous.

// Placeholders that stand only for masked letters.
bool IsStrongMask(char32_t c) {
  switch (c) {
    case U'*':
    case U'%':
    case U'\u2022':  // •
    case U'\u2217':  // ∗
    case U'\u25CB':  // ○
    case U'\u25CF':  // ●
    case U'\u25EF':  // ◯
    case U'\u25A0':  // ■
    case U'\u25A1':  // □
    case U'\u2605':  // ★
    case U'\u2606':  // ☆
      return true;
    default:
      return false;
  }
}

// Punctuation that writers also use as a placeholder for one letter ("#"
// mostly starts hashtags: "kick some ass#bleedgreen").
bool IsWeakMask(char32_t c) {
  return c == U'.' || c == U'-' || c == U'_' || c == U'?' || c == U'#' || c == U'\u00B7';
}

struct MaskPiece {
  std::string_view letters;  // typed letters; empty for a placeholder run
  uint32_t mask_length = 0;  // placeholders in the run; 0 for letters
  bool weak = false;         // every placeholder of the run is weak
  bool last = false;         // the run ends the word
};

// How `pieces` spell a term, when they do.
struct MaskedMatch {
  int typed = 0;        // letters of the term the writer typed
  int slack = 0;        // letters a placeholder run stands for beyond its length, or short of it
  bool run_on = false;  // a kPrefix term ran on into more typed letters
  bool ok = false;

  // The reading a writer most likely meant: one placeholder per letter,
  // then the whole word.
  bool BetterThan(const MaskedMatch& other) const {
    if (!other.ok) return ok;
    if (!ok) return false;
    return std::tie(slack, run_on) < std::tie(other.slack, other.run_on);
  }
};

// How `pieces` spell `term` (a kPrefix term may run on into more typed
// letters), preferring the reading with the least slack.
MaskedMatch MatchMasked(std::span<const MaskPiece> pieces, std::string_view term, bool prefix) {
  MaskedMatch none;
  if (pieces.empty()) {
    none.ok = term.empty();
    return none;
  }
  const MaskPiece& p = pieces.front();
  if (p.mask_length == 0) {
    if (term.size() < p.letters.size()) {
      if (!prefix || !p.letters.starts_with(term)) return none;
      for (const MaskPiece& rest : pieces.subspan(1)) {
        if (rest.mask_length != 0) return none;
      }
      return MaskedMatch{.typed = static_cast<int>(term.size()), .run_on = true, .ok = true};
    }
    if (!term.starts_with(p.letters)) return none;
    MaskedMatch rest = MatchMasked(pieces.subspan(1), term.substr(p.letters.size()), prefix);
    rest.typed += static_cast<int>(p.letters.size());
    return rest;
  }
  size_t least = 1, most = p.mask_length + 1;
  if (p.weak) most = 1;
  if (p.last) least = most = p.mask_length;
  MaskedMatch best;
  for (size_t m = least; m <= most && m <= term.size(); ++m) {
    MaskedMatch rest = MatchMasked(pieces.subspan(1), term.substr(m), prefix);
    rest.slack += static_cast<int>(m > p.mask_length ? m - p.mask_length : p.mask_length - m);
    if (rest.BetterThan(best)) best = rest;
  }
  return best;
}

// One masked word of the lexical view: its pieces and byte range.
struct MaskedWord {
  std::vector<MaskPiece> pieces;
  uint32_t from = 0;
  uint32_t to = 0;
  bool only_weak = true;
};

// Splits the maximal run text[from, to) of ASCII letters and placeholders
// into a masked word, or returns false when it is no masked word (no
// placeholder between its letters, or emphasis).
bool ParseMaskedWord(std::string_view text, size_t from, size_t to, MaskedWord* word) {
  struct Char {
    char32_t c;
    uint32_t at;
  };
  std::vector<Char> chars;
  for (size_t pos = from; pos < to;) {
    const uint32_t at = static_cast<uint32_t>(pos);
    chars.push_back(Char{text::DecodeUtf8(text, &pos), at});
  }
  auto is_letter = [](char32_t c) { return c >= U'a' && c <= U'z'; };
  size_t b = 0, e = chars.size();
  const bool wrapped = !is_letter(chars[0].c);
  while (b < e && !is_letter(chars[b].c)) ++b;
  while (e > b && IsWeakMask(chars[e - 1].c)) --e;
  if (e - b < 2) return false;
  word->pieces.clear();
  word->only_weak = true;
  bool inner_mask = false;
  for (size_t k = b; k < e;) {
    size_t run = k;
    const bool letters = is_letter(chars[k].c);
    while (run < e && is_letter(chars[run].c) == letters) ++run;
    MaskPiece piece;
    const size_t byte_from = chars[k].at;
    const size_t byte_to = run < chars.size() ? chars[run].at : to;
    if (letters) {
      piece.letters = text.substr(byte_from, byte_to - byte_from);
    } else {
      piece.mask_length = static_cast<uint32_t>(run - k);
      piece.weak = true;
      for (size_t x = k; x < run; ++x) piece.weak = piece.weak && IsWeakMask(chars[x].c);
      // A weak placeholder stands for one letter between letters only.
      if (piece.weak && (piece.mask_length != 1 || run == e)) return false;
      piece.last = run == e;
      inner_mask = inner_mask || !piece.last;
      word->only_weak = word->only_weak && piece.weak;
    }
    word->pieces.push_back(piece);
    k = run;
  }
  if (word->pieces.size() < 2) return false;
  if (wrapped && !inner_mask) return false;  // "*word*", "**bold**"
  word->from = chars[b].at;
  word->to = e < chars.size() ? chars[e].at : static_cast<uint32_t>(to);
  return true;
}

constexpr std::array<bool, 256> kMayStartMask = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : {'*', '#', '%', '.', '-', '_', '?', '\xc2', '\xe2'}) table[c] = true;
  return table;
}();

// Entries a masked word may stand for, by first letter: lexical form and
// entry index.
using MaskableTerms = std::array<std::vector<std::pair<std::string, uint32_t>>, 26>;

// Appends a hit for every masked word of `text` (a lexical view) that stands
// for one of `maskable`, the most severe when it could stand for several.
void AddMaskedHits(std::string_view text, const MaskableTerms& maskable,
                   const std::vector<LexiconEntry>& entries, std::vector<Hit>* hits) {
  auto is_word_char = [](char32_t c) {
    return (c >= U'a' && c <= U'z') || IsStrongMask(c) || IsWeakMask(c);
  };
  MaskedWord word;
  size_t pos = 0;
  while (pos < text.size()) {
    // Most comments hold no placeholder at all: skip to the first byte that
    // may start one (ASCII placeholders, and the lead bytes of U+00B7 and
    // of the U+2xxx symbols).
    size_t mask = pos;
    while (mask < text.size() && !kMayStartMask[static_cast<unsigned char>(text[mask])]) ++mask;
    if (mask == text.size()) return;
    size_t probe = mask;
    const char32_t c = text::DecodeUtf8(text, &probe);
    if (!IsStrongMask(c) && !IsWeakMask(c)) {
      pos = probe;
      continue;
    }
    // Punctuation masks only between two letters: the full stop ending a
    // sentence, the commonest byte looked for here, costs no more.
    auto ascii_letter_at = [&](size_t i) {
      return i < text.size() && text[i] >= 'a' && text[i] <= 'z';
    };
    if (IsWeakMask(c) && (mask == 0 || !ascii_letter_at(mask - 1) || !ascii_letter_at(probe))) {
      pos = probe;
      continue;
    }
    // The run of letters and placeholders around it.
    size_t from = mask;
    while (from > 0) {
      const text::CodePoint before = text::DecodeBefore(text, from);
      if (!is_word_char(before.c)) break;
      from -= before.len;
    }
    size_t to = mask;
    while (to < text.size()) {
      size_t next = to;
      if (!is_word_char(text::DecodeUtf8(text, &next))) break;
      to = next;
    }
    pos = to;
    if (!ParseMaskedWord(text, from, to, &word)) continue;
    const char first = word.pieces.front().letters.front();
    int typed_letters = 0;
    for (const MaskPiece& p : word.pieces) typed_letters += static_cast<int>(p.letters.size());
    if (typed_letters < (word.only_weak ? 3 : 2)) continue;
    const int least_typed = word.only_weak ? 3 : 2;
    const std::pair<std::string, uint32_t>* best = nullptr;
    MaskedMatch best_match;
    for (const auto& candidate : maskable[static_cast<size_t>(first - 'a')]) {
      const auto& [term, id] = candidate;
      const LexiconEntry& entry = entries[id];
      const MaskedMatch match = MatchMasked(word.pieces, term, entry.boundary == Boundary::kPrefix);
      if (!match.ok || match.typed < least_typed ||
          match.typed * 3 < static_cast<int>(term.size())) {
        continue;
      }
      // Of several readings the likeliest; between equally likely ones
      // the most severe, then the longest term.
      const bool better = best == nullptr || match.BetterThan(best_match) ||
                          (!best_match.BetterThan(match) &&
                           std::make_pair(entry.severity, term.size()) >
                               std::make_pair(entries[best->second].severity, best->first.size()));
      if (better) {
        best = &candidate;
        best_match = match;
      }
    }
    if (best != nullptr) hits->push_back(Hit{word.from, word.to, best->second});
  }
}

}  // namespace

std::string_view CategoryName(Category c) {
  switch (c) {
    case Category::kProfanity:
      return "profanity";
    case Category::kSlur:
      return "slur";
    case Category::kSexual:
      return "sexual";
    case Category::kAbuse:
      return "abuse";
  }
  return "unknown";
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kMild:
      return "mild";
    case Severity::kStrong:
      return "strong";
    case Severity::kSevere:
      return "severe";
  }
  return "unknown";
}

base::Result<Category> ParseCategory(std::string_view name) {
  if (name == "profanity") return Category::kProfanity;
  if (name == "slur") return Category::kSlur;
  if (name == "sexual") return Category::kSexual;
  if (name == "abuse") return Category::kAbuse;
  return base::InvalidArgumentError("unknown category '{}' (want profanity, slur, sexual or abuse)",
                                    name);
}

base::Result<Severity> ParseSeverity(std::string_view name) {
  if (name == "mild") return Severity::kMild;
  if (name == "strong") return Severity::kStrong;
  if (name == "severe") return Severity::kSevere;
  return base::InvalidArgumentError("unknown severity '{}' (want mild, strong or severe)", name);
}

// Entries (and their per-entry edge scripts) are fixed at Create; the only
// mutable part is the scratch pool. Vectorscan needs one scratch per
// concurrent scan; cloning one costs microseconds, so scratches are kept in a
// free list and reused, and the pool only grows to the number of threads
// that ever scanned at once.
struct Lexicon::State {
  std::vector<LexiconEntry> entries;
  std::vector<Script> first_script;  // per entry: script of its first code point
  std::vector<Script> last_script;   // per entry: script of its last code point
  // Per pattern (entries, then allowlist words): the least run length of
  // each byte of its squeezed literal.
  std::vector<std::vector<uint8_t>> min_runs;
  // Entries a masked word may stand for: strong and severe single Latin
  // words.
  MaskableTerms maskable;
  hs_database_t* database = nullptr;
  hs_scratch_t* prototype = nullptr;
  base::Mutex mutex;
  std::vector<hs_scratch_t*> free_scratch GUARDED_BY(mutex);

  ~State() {
    for (hs_scratch_t* s : free_scratch) hs_free_scratch(s);
    if (prototype != nullptr) hs_free_scratch(prototype);
    if (database != nullptr) hs_free_database(database);
  }

  hs_scratch_t* AcquireScratch() EXCLUDES(mutex) {
    base::MutexLock lock(&mutex);
    if (!free_scratch.empty()) {
      hs_scratch_t* s = free_scratch.back();
      free_scratch.pop_back();
      return s;
    }
    // Cloning happens once per concurrent scanner over the Lexicon's life,
    // so it may as well happen under the lock, which keeps the prototype
    // from ever being read by two threads at once.
    hs_scratch_t* s = nullptr;
    // Fails only when memory is exhausted; there is no result to give then.
    COMMENTD_CHECK(hs_clone_scratch(prototype, &s) == HS_SUCCESS);
    return s;
  }

  void ReleaseScratch(hs_scratch_t* s) EXCLUDES(mutex) {
    base::MutexLock lock(&mutex);
    free_scratch.push_back(s);
  }

  // Every database hit in `text` (a lexical view), allowlist entries
  // included, whose runs are at least as long as the term's, in lexical-view
  // bytes taking in the whole first and last runs ("fffuckkk").
  std::vector<Hit> Scan(const std::string& text) EXCLUDES(mutex) {
    // Vectorscan takes a 32-bit length; a comment that large was refused long
    // before it got here.
    COMMENTD_CHECK(text.size() <= 0xFFFFFFFFu);
    Squeezed squeezed;
    Squeeze(text, &squeezed);
    std::vector<Hit> hits;
    hs_scratch_t* scratch = AcquireScratch();
    hs_error_t err =
        hs_scan(database, squeezed.text.data(), static_cast<unsigned int>(squeezed.text.size()), 0,
                scratch, OnMatch, &hits);
    ReleaseScratch(scratch);
    COMMENTD_CHECK(err == HS_SUCCESS);
    std::erase_if(hits, [&](Hit& h) {
      const std::vector<uint8_t>& runs = min_runs[h.id];
      for (size_t k = 0; k < runs.size(); ++k) {
        if (squeezed.Run(h.from + k) < runs[k]) return true;
      }
      h.from = squeezed.origin[h.from];
      h.to = squeezed.origin[h.to];
      return false;
    });
    return hits;
  }

  // The innocent words among `hits` (Scan's, of `text`): see Lexicon::Find.
  std::vector<text::Span> InnocentSpans(const std::string& text,
                                        const std::vector<Hit>& hits) const;
};

Lexicon::Lexicon(std::unique_ptr<State> state) : state_(std::move(state)) {}
Lexicon::Lexicon(Lexicon&&) noexcept = default;
Lexicon& Lexicon::operator=(Lexicon&&) noexcept = default;
Lexicon::~Lexicon() = default;

size_t Lexicon::size() const { return state_->entries.size(); }

base::Result<std::vector<LexiconEntry>> Lexicon::ParseEntries(std::string_view contents,
                                                              std::string_view source) {
  std::vector<LexiconEntry> entries;
  base::Status status = ForEachDataLine(contents, [&](size_t line_number, std::string_view line) {
    auto fail = [&](const base::Status& s) {
      return s.WithContext(fmt::format("{}:{}", source, line_number));
    };
    std::vector<std::string_view> fields = SplitTabs(line);
    if (fields.size() < 4 || fields.size() > 5) {
      return fail(base::InvalidArgumentError(
          "want 4 or 5 tab-separated fields (term, lang, category, severity[, boundary]), got {}",
          fields.size()));
    }
    for (std::string_view& f : fields) f = Trim(f);
    if (fields[0].empty()) return fail(base::InvalidArgumentError("empty term"));
    if (base::Status s = text::ValidateUtf8(fields[0]); !s.ok()) return fail(s);
    if (base::Status s = CheckLang(fields[1]); !s.ok()) return fail(s);
    base::Result<Category> category = ParseCategory(fields[2]);
    if (!category.ok()) return fail(category.status());
    base::Result<Severity> severity = ParseSeverity(fields[3]);
    if (!severity.ok()) return fail(severity.status());
    Boundary boundary = DefaultBoundary(fields[0]);
    if (fields.size() == 5) {
      base::Result<Boundary> b = ParseBoundary(fields[4]);
      if (!b.ok()) return fail(b.status());
      boundary = *b;
    }
    entries.push_back(LexiconEntry{std::string(fields[0]), std::string(fields[1]), *category,
                                   *severity, boundary});
    return base::OkStatus();
  });
  if (!status.ok()) return status;
  return entries;
}

base::Result<std::vector<std::string>> Lexicon::ParseAllowed(std::string_view contents,
                                                             std::string_view source) {
  std::vector<std::string> words;
  base::Status status = ForEachDataLine(contents, [&](size_t line_number, std::string_view line) {
    auto fail = [&](const base::Status& s) {
      return s.WithContext(fmt::format("{}:{}", source, line_number));
    };
    std::vector<std::string_view> fields = SplitTabs(line);
    if (fields.size() > 2) {
      return fail(base::InvalidArgumentError(
          "want 1 or 2 tab-separated fields (word[, lang]), got {}", fields.size()));
    }
    std::string_view word = Trim(fields[0]);
    if (word.empty()) return fail(base::InvalidArgumentError("empty word"));
    if (base::Status s = text::ValidateUtf8(word); !s.ok()) return fail(s);
    if (fields.size() == 2) {
      if (base::Status s = CheckLang(Trim(fields[1])); !s.ok()) return fail(s);
    }
    words.emplace_back(word);
    return base::OkStatus();
  });
  if (!status.ok()) return status;
  return words;
}

base::Result<Lexicon> Lexicon::Create(const text::Normalizer& normalizer,
                                      std::vector<LexiconEntry> entries,
                                      std::vector<std::string> allowed) {
  auto state = std::make_unique<State>();
  std::vector<std::string> patterns;
  Squeezed squeezed;
  auto add_pattern = [&](std::string_view normalized) {
    Squeeze(normalized, &squeezed);
    std::vector<uint8_t> runs(squeezed.text.size());
    for (size_t i = 0; i < runs.size(); ++i) {
      runs[i] = static_cast<uint8_t>(std::min<uint32_t>(squeezed.Run(i), 255));
    }
    // A space in a term stands for any run of whitespace, however long.
    for (size_t i = 0; i < runs.size(); ++i) {
      if (squeezed.text[i] == ' ') runs[i] = 1;
    }
    state->min_runs.push_back(std::move(runs));
    patterns.push_back(LiteralPattern(squeezed.text));
  };
  // The same normalized term may be listed twice (in two languages, or as
  // two spellings that normalize alike): it is compiled once and keeps the
  // highest severity.
  std::map<std::pair<std::string, Boundary>, size_t> index_of;
  for (LexiconEntry& entry : entries) {
    base::Result<std::string> lexical = normalizer.LexicalString(entry.term);
    if (!lexical.ok()) {
      return lexical.status().WithContext(
          fmt::format("lexicon entry '{}' ({})", text::ToValidUtf8(entry.term), entry.lang));
    }
    std::string_view normalized = TrimSpaces(*lexical);
    if (normalized.empty()) {
      return base::InvalidArgumentError("lexicon entry '{}' ({}) normalizes to nothing", entry.term,
                                        entry.lang);
    }
    auto key = std::make_pair(std::string(normalized), entry.boundary);
    if (auto it = index_of.find(key); it != index_of.end()) {
      LexiconEntry& kept = state->entries[it->second];
      if (entry.severity > kept.severity) kept = std::move(entry);
      continue;
    }
    index_of.emplace(key, state->entries.size());
    state->first_script.push_back(ScriptOf(text::DecodeAt(normalized, 0).c));
    state->last_script.push_back(ScriptOf(text::DecodeBefore(normalized, normalized.size()).c));
    add_pattern(normalized);
    state->entries.push_back(std::move(entry));
  }
  for (const auto& [key, i] : index_of) {
    const std::string& normalized = key.first;
    const LexiconEntry& entry = state->entries[i];
    const bool letters_only = std::all_of(normalized.begin(), normalized.end(),
                                          [](char c) { return c >= 'a' && c <= 'z'; });
    if (entry.severity != Severity::kMild && entry.boundary != Boundary::kInside &&
        normalized.size() >= 3 && letters_only) {
      state->maskable[static_cast<size_t>(normalized[0] - 'a')].emplace_back(
          normalized, static_cast<uint32_t>(i));
    }
  }
  for (const std::string& word : allowed) {
    base::Result<std::string> lexical = normalizer.LexicalString(word);
    if (!lexical.ok()) {
      return lexical.status().WithContext(
          fmt::format("allowlist word '{}'", text::ToValidUtf8(word)));
    }
    std::string_view normalized = TrimSpaces(*lexical);
    if (normalized.empty()) {
      return base::InvalidArgumentError("allowlist word '{}' normalizes to nothing", word);
    }
    add_pattern(normalized);
  }
  if (patterns.empty()) {
    return base::InvalidArgumentError("a lexicon needs at least one entry");
  }

  std::vector<const char*> expressions;
  std::vector<unsigned int> flags(patterns.size(), HS_FLAG_UTF8 | HS_FLAG_SOM_LEFTMOST);
  std::vector<unsigned int> ids;
  for (size_t i = 0; i < patterns.size(); ++i) {
    expressions.push_back(patterns[i].c_str());
    ids.push_back(static_cast<unsigned int>(i));
  }
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned int>(patterns.size()), HS_MODE_BLOCK, nullptr,
                       &state->database, &error) != HS_SUCCESS) {
    std::string what = "the lexicon";
    if (error != nullptr && error->expression >= 0) {
      size_t i = static_cast<size_t>(error->expression);
      what = i < state->entries.size()
                 ? fmt::format("lexicon entry '{}' ({})", state->entries[i].term,
                               state->entries[i].lang)
                 : fmt::format("allowlist word '{}'", allowed[i - state->entries.size()]);
    }
    base::Status status = base::InvalidArgumentError(
        "{} cannot be compiled: {}", what, error != nullptr ? error->message : "unknown error");
    hs_free_compile_error(error);
    return status;
  }
  if (hs_alloc_scratch(state->database, &state->prototype) != HS_SUCCESS) {
    return base::ResourceExhaustedError("cannot allocate Vectorscan scratch space");
  }
  return Lexicon(std::move(state));
}

base::Result<Lexicon> Lexicon::CreateBuiltin(const text::Normalizer& normalizer) {
  std::vector<LexiconEntry> entries;
  std::vector<std::string> allowed;
  for (const auto& [name, contents] : BuiltinLexiconFiles()) {
    if (name == "allow.tsv") {
      COMMENTD_ASSIGN_OR_RETURN(std::vector<std::string> words, ParseAllowed(contents, name));
      for (std::string& w : words) allowed.push_back(std::move(w));
    } else {
      COMMENTD_ASSIGN_OR_RETURN(std::vector<LexiconEntry> parsed, ParseEntries(contents, name));
      for (LexiconEntry& e : parsed) entries.push_back(std::move(e));
    }
  }
  return Create(normalizer, std::move(entries), std::move(allowed));
}

std::vector<LexiconMatch> Lexicon::Find(const text::NormalizedText& lexical,
                                        std::vector<text::Span>* innocent) const {
  if (innocent != nullptr) innocent->clear();
  const std::string& text = lexical.text();
  if (text.empty()) return {};
  const std::vector<Hit> hits = state_->Scan(text);
  if (innocent != nullptr) *innocent = state_->InnocentSpans(text, hits);

  const uint32_t entry_count = static_cast<uint32_t>(state_->entries.size());
  std::vector<Hit> allow;
  std::vector<Hit> candidates;
  for (const Hit& h : hits) {
    if (h.id >= entry_count) {
      allow.push_back(h);
      continue;
    }
    const LexiconEntry& entry = state_->entries[h.id];
    if (entry.boundary != Boundary::kInside && h.from > 0) {
      Script before = ScriptOf(text::DecodeBefore(text, h.from).c);
      if (before != Script::kOther && before == state_->first_script[h.id]) continue;
    }
    if (entry.boundary == Boundary::kWord && h.to < text.size()) {
      Script after = ScriptOf(text::DecodeAt(text, h.to).c);
      if (after != Script::kOther && after == state_->last_script[h.id]) continue;
    }
    candidates.push_back(h);
  }
  AddMaskedHits(text, state_->maskable, state_->entries, &candidates);
  if (candidates.empty()) return {};

  // Drop matches wholly inside an innocent word (시발 in 시발점). Allow hits
  // sorted by start with a running maximum of their ends answer "does one
  // start at or before `from` and reach `to`" by binary search.
  if (!allow.empty()) {
    std::sort(allow.begin(), allow.end(),
              [](const Hit& a, const Hit& b) { return a.from < b.from; });
    std::vector<uint32_t> max_end(allow.size());
    uint32_t running = 0;
    for (size_t i = 0; i < allow.size(); ++i) max_end[i] = running = std::max(running, allow[i].to);
    std::erase_if(candidates, [&](const Hit& h) {
      auto it = std::upper_bound(allow.begin(), allow.end(), h.from,
                                 [](uint32_t from, const Hit& a) { return from < a.from; });
      if (it == allow.begin()) return false;
      return max_end[static_cast<size_t>(it - allow.begin()) - 1] >= h.to;
    });
  }

  // Of overlapping matches keep the longest (then the most severe, then the
  // earliest): "motherfucker" rather than "fucker" inside it.
  std::sort(candidates.begin(), candidates.end(), [&](const Hit& a, const Hit& b) {
    uint32_t la = a.to - a.from, lb = b.to - b.from;
    if (la != lb) return la > lb;
    Severity sa = state_->entries[a.id].severity, sb = state_->entries[b.id].severity;
    if (sa != sb) return sa > sb;
    return std::tie(a.from, a.id) < std::tie(b.from, b.id);
  });
  std::map<uint32_t, Hit> chosen;  // by start; disjoint
  for (const Hit& h : candidates) {
    auto next = chosen.lower_bound(h.from);
    if (next != chosen.end() && next->second.from < h.to) continue;
    if (next != chosen.begin() && std::prev(next)->second.to > h.from) continue;
    chosen.emplace(h.from, h);
  }

  std::vector<LexiconMatch> matches;
  matches.reserve(chosen.size());
  for (auto it = chosen.begin(); it != chosen.end(); ++it) {
    const Hit& h = it->second;
    size_t end = h.to;
    if (state_->entries[h.id].boundary == Boundary::kPrefix &&
        state_->last_script[h.id] == Script::kLatin) {
      // The span takes the whole word the writer typed ("fucking", not
      // "fuck"), up to the next match.
      const size_t limit = std::next(it) == chosen.end() ? text.size() : std::next(it)->first;
      while (end < limit) {
        size_t next = end;
        if (ScriptOf(text::DecodeUtf8(text, &next)) != Script::kLatin) break;
        end = next;
      }
    }
    matches.push_back(LexiconMatch{lexical.ToOriginal(h.from, end), &state_->entries[h.id]});
  }
  return matches;
}

std::vector<text::Span> Lexicon::State::InnocentSpans(const std::string& text,
                                                      const std::vector<Hit>& hits) const {
  // What Find drops: allowlisted words, and Find's boundary test inverted.
  const uint32_t entry_count = static_cast<uint32_t>(entries.size());
  auto is_latin = [&](size_t at) { return ScriptOf(text::DecodeAt(text, at).c) == Script::kLatin; };
  std::vector<text::Span> spans;
  for (const Hit& h : hits) {
    uint32_t from = h.from;
    uint32_t to = h.to;
    if (h.id < entry_count) {
      // An entry of Latin edges inside a longer Latin word.
      const LexiconEntry& entry = entries[h.id];
      if (entry.boundary == Boundary::kInside) continue;
      if (first_script[h.id] != Script::kLatin || last_script[h.id] != Script::kLatin) {
        continue;
      }
      const bool joined_before =
          from > 0 && ScriptOf(text::DecodeBefore(text, from).c) == Script::kLatin;
      const bool joined_after =
          entry.boundary == Boundary::kWord && to < text.size() && is_latin(to);
      if (!joined_before && !joined_after) continue;
      while (from > 0) {
        const text::CodePoint before = text::DecodeBefore(text, from);
        if (before.len == 0 || ScriptOf(before.c) != Script::kLatin) break;
        from -= static_cast<uint32_t>(before.len);
      }
      while (to < text.size() && is_latin(to)) to += text::DecodeAt(text, to).len;
    }
    spans.push_back(text::Span{from, to});
  }
  std::sort(spans.begin(), spans.end(), [](const text::Span& a, const text::Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  return spans;
}

}  // namespace commentd::moderation

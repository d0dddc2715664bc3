#include "text/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>

#include <array>
#include <unordered_map>

#include "base/check.h"
#include "text/script.h"
#include "text/utf8.h"

namespace commentd::text {

// ---------------------------------------------------------------------------
// NormalizedText

Span NormalizedText::ToOriginal(size_t begin, size_t end) const {
  COMMENTD_CHECK(begin < end && end <= origin_.size());
  Span span = origin_[begin];
  // Normalization never reorders across chunks, so the last byte's span ends
  // furthest; still take the max/min to stay safe with merged chunks.
  for (size_t i : {begin, end - 1}) {
    span.begin = std::min(span.begin, origin_[i].begin);
    span.end = std::max(span.end, origin_[i].end);
  }
  return span;
}

void NormalizedText::Append(std::string_view utf8, Span origin) {
  text_.append(utf8);
  origin_.insert(origin_.end(), utf8.size(), origin);
}

// ---------------------------------------------------------------------------
// Tables
//
// Folding one code point at a time through ICU costs a few hundred
// nanoseconds; a comment of 200 bytes would spend the whole budget of the
// pipeline there. So Create() runs ICU once over the Basic Multilingual Plane
// and the few supplementary blocks that matter (mathematical and enclosed
// alphanumerics, tag characters) and keeps the answer: for each code point,
// what it folds to and whether a normalization boundary precedes it. Fold
// then only calls ICU for the rare chunks of several code points that
// combine (a letter with combining marks, Hangul jamo sequences).

namespace {

constexpr uint32_t kBoundaryBefore = 1u << 31;
constexpr uint32_t kIndexMask = (1u << 24) - 1;  // 0 = folds to itself

bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool InScriptsFoldedToLatin(char32_t c) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &status);
  if (U_FAILURE(status)) return false;
  switch (script) {
    case USCRIPT_LATIN:
    case USCRIPT_GREEK:
    case USCRIPT_CYRILLIC:
    case USCRIPT_ARMENIAN:
    case USCRIPT_CHEROKEE:
    case USCRIPT_COPTIC:
    case USCRIPT_COMMON:
      return true;
    default:
      return false;
  }
}

}  // namespace

struct Normalizer::Tables {
  Tables() = default;
  Tables(const Tables&) = delete;
  Tables& operator=(const Tables&) = delete;
  ~Tables() {
    if (spoof != nullptr) uspoof_close(spoof);
  }

  const icu::Normalizer2* nfkc_cf = nullptr;  // owned by ICU, lives for the process
  // For NameKey's skeletons. ICU allows concurrent skeleton calls on one
  // checker that is no longer being configured.
  USpoofChecker* spoof = nullptr;
  const icu::Normalizer2* nfd = nullptr;
  std::vector<uint32_t> bmp;  // flags | index into `folded`
  std::unordered_map<char32_t, uint32_t> supplementary;
  std::vector<std::string> folded;  // folded[index - 1]

  uint32_t Entry(char32_t c) const {
    if (c < 0x10000) return bmp[c];
    auto it = supplementary.find(c);
    if (it != supplementary.end()) return it->second;
    return nfkc_cf->hasBoundaryBefore(static_cast<UChar32>(c)) ? kBoundaryBefore : 0;
  }
  bool BoundaryBefore(char32_t c) const { return (Entry(c) & kBoundaryBefore) != 0; }

  // Appends the fold of one already-NFKC_CF-normalized code point.
  void AppendFolded(char32_t c, std::string* out) const {
    const uint32_t index = Entry(c) & kIndexMask;
    if (index == 0) {
      AppendUtf8(c, out);
    } else {
      out->append(folded[index - 1]);
    }
  }
};

namespace {

// What one code point folds to beyond NFKC_CF: Latin letters with
// diacritics to their ASCII base, and letters of other scripts that look
// like Latin letters (Cyrillic а, Greek ο, Cherokee Ꭺ ...) to that letter,
// by ICU's confusable skeleton. Returns `c` encoded when nothing applies.
std::string PostFold(char32_t c, const icu::Normalizer2& nfd, const USpoofChecker* spoof) {
  std::string self;
  AppendUtf8(c, &self);
  if (c < 0x80 || !InScriptsFoldedToLatin(c)) return self;
  const int8_t type = u_charType(static_cast<UChar32>(c));
  const bool letter = type == U_LOWERCASE_LETTER || type == U_UPPERCASE_LETTER ||
                      type == U_TITLECASE_LETTER || type == U_OTHER_LETTER ||
                      type == U_MODIFIER_LETTER;
  if (!letter) return self;
  UErrorCode status = U_ZERO_ERROR;
  // Diacritics: é -> e + U+0301 -> e.
  icu::UnicodeString decomposed =
      nfd.normalize(icu::UnicodeString(static_cast<UChar32>(c)), status);
  if (U_SUCCESS(status) && decomposed.length() > 1) {
    const UChar32 base = decomposed.char32At(0);
    if (base < 0x80 && IsAsciiLetter(static_cast<char32_t>(base))) {
      return std::string(1, static_cast<char>(u_tolower(base)));
    }
  }
  // Homoglyphs: the confusable skeleton, kept only when it is ASCII letters.
  char skeleton[32];
  status = U_ZERO_ERROR;
  const int32_t len =
      uspoof_getSkeletonUTF8(spoof, 0, self.data(), static_cast<int32_t>(self.size()), skeleton,
                             sizeof(skeleton), &status);
  if (U_FAILURE(status) || len <= 0 || len > 2) return self;
  std::string out;
  for (int32_t i = 0; i < len; ++i) {
    const char ch = skeleton[i];
    if (!IsAsciiLetter(static_cast<unsigned char>(ch))) return self;
    out.push_back(static_cast<char>(ch | 0x20));
  }
  return out;
}

}  // namespace

base::Result<Normalizer> Normalizer::Create() {
  UErrorCode status = U_ZERO_ERROR;
  auto tables = std::make_unique<Tables>();
  tables->nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) return base::InternalError("ICU NFKC_Casefold: {}", u_errorName(status));
  tables->nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return base::InternalError("ICU NFD: {}", u_errorName(status));
  tables->spoof = uspoof_open(&status);
  if (U_FAILURE(status)) return base::InternalError("ICU spoof checker: {}", u_errorName(status));
  const USpoofChecker* spoof = tables->spoof;

  std::unordered_map<std::string, uint32_t> interned;
  auto compute = [&](char32_t c) -> uint32_t {
    uint32_t entry =
        tables->nfkc_cf->hasBoundaryBefore(static_cast<UChar32>(c)) ? kBoundaryBefore : 0;
    UErrorCode st = U_ZERO_ERROR;
    const icu::UnicodeString normalized =
        tables->nfkc_cf->normalize(icu::UnicodeString(static_cast<UChar32>(c)), st);
    if (U_FAILURE(st)) return entry;
    std::string folded;
    for (int32_t i = 0; i < normalized.length();) {
      const UChar32 n = normalized.char32At(i);
      i += U16_LENGTH(n);
      // Combining marks left on an ASCII letter (stacked diacritics) go.
      if (u_charType(n) == U_NON_SPACING_MARK && !folded.empty() &&
          static_cast<unsigned char>(folded.back()) < 0x80) {
        continue;
      }
      folded += PostFold(static_cast<char32_t>(n), *tables->nfd, spoof);
    }
    std::string self;
    AppendUtf8(c, &self);
    if (folded == self) return entry;
    auto [it, inserted] =
        interned.try_emplace(folded, static_cast<uint32_t>(tables->folded.size() + 1));
    if (inserted) tables->folded.push_back(folded);
    return entry | it->second;
  };

  tables->bmp.resize(0x10000);
  for (char32_t c = 0; c < 0x10000; ++c) {
    tables->bmp[c] = (c >= 0xD800 && c <= 0xDFFF) ? kBoundaryBefore : compute(c);
  }
  const std::pair<char32_t, char32_t> kSupplementaryBlocks[] = {
      {0x1D400, 0x1D7FF},  // mathematical alphanumerics: 𝐟𝐮𝐜𝐤
      {0x1F100, 0x1F1FF},  // enclosed alphanumerics: 🅵🆄🅲🅺
      {0xE0000, 0xE007F},  // tag characters (invisible)
  };
  for (auto [first, last] : kSupplementaryBlocks) {
    for (char32_t c = first; c <= last; ++c) {
      const uint32_t entry = compute(c);
      if ((entry & kIndexMask) != 0) tables->supplementary.emplace(c, entry);
    }
  }
  // Letters NFKC keeps but spam uses as Latin: regional indicators
  // ("🇨🇴🇲") and the negative circled and squared letters ("🅵🆄🅲🅺").
  const char32_t kLetterBlocks[] = {0x1F1E6, 0x1F150, 0x1F170};
  for (char32_t first : kLetterBlocks) {
    for (char32_t c = first; c < first + 26; ++c) {
      std::string letter(1, static_cast<char>('a' + (c - first)));
      auto [it, inserted] =
          interned.try_emplace(letter, static_cast<uint32_t>(tables->folded.size() + 1));
      if (inserted) tables->folded.push_back(letter);
      tables->supplementary[c] = kBoundaryBefore | it->second;
    }
  }
  return Normalizer(std::move(tables));
}

Normalizer::Normalizer(std::unique_ptr<const Tables> tables) : tables_(std::move(tables)) {}
Normalizer::Normalizer(Normalizer&&) noexcept = default;
Normalizer& Normalizer::operator=(Normalizer&&) noexcept = default;
Normalizer::~Normalizer() = default;

// ---------------------------------------------------------------------------
// Fold
//
// The source is cut into normalization chunks: a code point plus the ones
// after it that have no boundary before them (combining marks, vowel jamo
// after a consonant). Each chunk is folded as a unit and all of its output
// maps to the chunk's original bytes. Almost every chunk is one code point,
// folded by table lookup.

base::Result<NormalizedText> Normalizer::Fold(std::string_view original) const {
  COMMENTD_RETURN_IF_ERROR(ValidateUtf8(original));
  const Tables& t = *tables_;
  NormalizedText out;
  out.Reserve(original.size() + original.size() / 4);
  std::string buffer;
  size_t pos = 0;
  while (pos < original.size()) {
    const size_t start = pos;
    const char32_t first = DecodeUtf8(original, &pos);
    size_t end = pos;
    size_t next = pos;
    bool multi = false;
    while (next < original.size()) {
      size_t after = next;
      const char32_t c = DecodeUtf8(original, &after);
      if (t.BoundaryBefore(c)) break;
      multi = true;
      next = after;
    }
    end = next;
    buffer.clear();
    if (!multi) {
      t.AppendFolded(first, &buffer);
    } else {
      UErrorCode status = U_ZERO_ERROR;
      const icu::UnicodeString chunk = icu::UnicodeString::fromUTF8(
          icu::StringPiece(original.data() + start, static_cast<int32_t>(end - start)));
      const icu::UnicodeString normalized = t.nfkc_cf->normalize(chunk, status);
      if (U_FAILURE(status)) {
        buffer.assign(original.substr(start, end - start));
      } else {
        for (int32_t i = 0; i < normalized.length();) {
          const UChar32 c = normalized.char32At(i);
          i += U16_LENGTH(c);
          if (u_charType(c) == U_NON_SPACING_MARK && !buffer.empty() &&
              static_cast<unsigned char>(buffer.back()) < 0x80) {
            continue;
          }
          t.AppendFolded(static_cast<char32_t>(c), &buffer);
        }
      }
    }
    pos = end;
    if (!buffer.empty()) {
      out.Append(buffer, Span{static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// NameKey
//
// The confusable skeleton is not case-insensitive: "S" and "s" have
// different skeletons, and case folding first is not enough, because some
// capitals look Latin while their lower case does not (Cyrillic "Т" looks
// like "T", "т" like a small capital). So each code point (after NFKC, with
// ignorables dropped and spaces collapsed) is mapped twice: case-folded then
// skeletonized, and skeletonized then case-folded. The first wins when it
// is ASCII ("I" -> "i", not the "l" its skeleton is), else the second when
// that is ASCII ("Т" -> "t"), else the first. The result is folded once
// more so that the key is stable when applied to itself.

namespace {

icu::UnicodeString Skeleton(const USpoofChecker* spoof, const icu::UnicodeString& s) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString out;
  uspoof_getSkeletonUnicodeString(spoof, 0, s, out, &status);
  return U_SUCCESS(status) ? out : s;
}

bool IsAscii(const icu::UnicodeString& s) {
  for (int32_t i = 0; i < s.length(); ++i) {
    if (s.charAt(i) >= 0x80) return false;
  }
  return true;
}

}  // namespace

base::Result<std::string> Normalizer::NameKey(std::string_view name) const {
  COMMENTD_RETURN_IF_ERROR(ValidateUtf8(name).WithContext("name"));
  const Tables& t = *tables_;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return base::InternalError("name key: NFKC: {}", u_errorName(status));
  const icu::UnicodeString normalized =
      nfkc->normalize(icu::UnicodeString::fromUTF8(
                          icu::StringPiece(name.data(), static_cast<int32_t>(name.size()))),
                      status);
  if (U_FAILURE(status)) return base::InternalError("name key: NFKC: {}", u_errorName(status));
  icu::UnicodeString mapped;
  bool pending_space = false;
  for (int32_t i = 0; i < normalized.length();) {
    const UChar32 c = normalized.char32At(i);
    i += U16_LENGTH(c);
    if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) continue;
    if (u_isUWhiteSpace(c) || u_charType(c) == U_CONTROL_CHAR) {
      pending_space = mapped.length() > 0;
      continue;
    }
    if (pending_space) mapped.append(static_cast<UChar>(' '));
    pending_space = false;
    const icu::UnicodeString self(c);
    const icu::UnicodeString fold_first = Skeleton(t.spoof, t.nfkc_cf->normalize(self, status));
    const icu::UnicodeString skeleton_first = t.nfkc_cf->normalize(Skeleton(t.spoof, self), status);
    if (U_FAILURE(status)) return base::InternalError("name key: {}", u_errorName(status));
    mapped.append(!IsAscii(fold_first) && IsAscii(skeleton_first) ? skeleton_first : fold_first);
  }
  const icu::UnicodeString key = t.nfkc_cf->normalize(mapped, status);
  if (U_FAILURE(status)) return base::InternalError("name key: NFKC: {}", u_errorName(status));
  std::string out;
  key.toUTF8String(out);
  return out;
}

// ---------------------------------------------------------------------------
// Lexical
//
// Works on units: one code point of the folded view with its original span.
// Three passes, each undoing one evasion, each keeping spans exact:
//  1. Hangul: a lone trailing consonant jamo after an open syllable joins it
//     as its final consonant ("씨바ㄹ" -> "씨발"; NFKC already composed the
//     consonant-vowel pairs of "ㅆㅣㅂㅏ").
//  2. Inside a word: leetspeak digits and symbols between Latin letters
//     become letters ("sh1t", "a$$"); digits and punctuation wedged between
//     Hangul/Han/Kana characters go ("씨1발", "操.你").
//  3. Spaced words: runs of single letters separated by single separators
//     join ("f u c k", "f.u.c.k", "씨 발").
// Katakana also folds to hiragana here, so one lexicon entry matches "しね"
// and "シネ" (and halfwidth "ｼﾈ", which NFKC already made full width).

namespace {

struct Unit {
  char32_t c;
  Span span;
};

// The folded view is lower case; leetspeak is read inside runs of a-z.
bool IsAsciiLower(char32_t c) { return c >= 'a' && c <= 'z'; }
bool IsSpace(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsLetter(char32_t c) {
  return IsAsciiLower(c) || IsCjkLetter(c) || (c >= 0x80 && u_isalpha(static_cast<UChar32>(c)));
}

// Leetspeak: what a digit or symbol stands for inside a Latin word.
char32_t Leet(char32_t c) {
  switch (c) {
    case '0':
      return 'o';
    case '1':
      return 'i';
    case '3':
      return 'e';
    case '4':
      return 'a';
    case '5':
      return 's';
    case '7':
      return 't';
    case '8':
      return 'b';
    case '@':
      return 'a';
    case '$':
      return 's';
    case '!':
      return 'i';
    case '|':
      return 'l';
    case '+':
      return 't';
    default:
      return 0;
  }
}

// Separators a writer puts between the letters of a spaced word.
bool IsSpacer(char32_t c) {
  switch (c) {
    case ' ':
    case '.':
    case '-':
    case '_':
    case '*':
    case ',':
    case '/':
    case '~':
    case '+':
    case '|':
    case '\'':
    case ':':
    case ';':
    case '=':
    case '^':
      return true;
    default:
      return false;
  }
}

// Choseong index (U+1100 + i) to jongseong index (U+11A7 + j); 0 = none.
constexpr std::array<uint8_t, 19> kChoseongToJongseong = {1,  2,  4,  7, 0,  8,  16, 17, 0, 19,
                                                          20, 21, 22, 0, 23, 24, 25, 26, 27};

void JoinTrailingJamo(std::vector<Unit>* units) {
  std::vector<Unit>& u = *units;
  std::vector<Unit> out;
  out.reserve(u.size());
  for (size_t i = 0; i < u.size(); ++i) {
    const char32_t c = u[i].c;
    const bool lone_choseong =
        c >= 0x1100 && c <= 0x1112 && (i + 1 == u.size() || !IsHangulJamo(u[i + 1].c));
    if (lone_choseong && !out.empty() && IsHangulSyllable(out.back().c) &&
        (out.back().c - 0xAC00) % 28 == 0) {
      const uint8_t jong = kChoseongToJongseong[c - 0x1100];
      if (jong != 0) {
        out.back().c += jong;
        out.back().span.end = u[i].span.end;
        continue;
      }
    }
    out.push_back(u[i]);
  }
  u.swap(out);
}

void FoldInsideWords(std::vector<Unit>* units) {
  std::vector<Unit>& u = *units;
  const size_t n = u.size();
  std::vector<bool> drop(n, false);
  size_t i = 0;
  while (i < n) {
    if (IsSpace(u[i].c)) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < n && !IsSpace(u[end].c)) ++end;
    // Token [i, end). Trim wrapping punctuation so "shit!" keeps its "!".
    size_t b = i, e = end;
    auto wrapping = [](char32_t c) {
      return c == '.' || c == ',' || c == '?' || c == '!' || c == ';' || c == ':' || c == '"' ||
             c == '\'' || c == '(' || c == ')' || c == '[' || c == ']';
    };
    while (b < e && wrapping(u[b].c)) ++b;
    while (e > b && wrapping(u[e - 1].c)) --e;
    // Leetspeak only inside runs of Latin letters and leet characters that
    // hold a Latin letter ("sh1t", "a$$"): a Chinese or Japanese token runs
    // to the next space, and "58" in "我有58个iPhone" must not become "sb".
    for (size_t k = b; k < e;) {
      size_t run_end = k;
      bool run_has_latin = false;
      while (run_end < e && (IsAsciiLower(u[run_end].c) || Leet(u[run_end].c) != 0)) {
        run_has_latin |= IsAsciiLower(u[run_end].c);
        ++run_end;
      }
      if (run_end == k) {
        ++k;
        continue;
      }
      // An amount with a one-letter unit ("$5B", "58B", "$B") is not
      // leetspeak either: "$5B" must not read "ssb".
      bool amount = run_end - k >= 2 && IsAsciiLower(u[run_end - 1].c);
      for (size_t x = k; amount && x + 1 < run_end; ++x) {
        amount = u[x].c == '$' || (u[x].c >= '0' && u[x].c <= '9');
      }
      for (size_t x = k; run_has_latin && !amount && x < run_end; ++x) {
        if (char32_t l = Leet(u[x].c)) u[x].c = l;
      }
      k = run_end;
    }
    // CJK: drop up to three non-letters wedged between CJK characters.
    for (size_t k = i + 1; k + 1 < end; ++k) {
      if (!IsCjkLetter(u[k - 1].c) || IsLetter(u[k].c)) continue;
      size_t run = k;
      while (run < end && !IsLetter(u[run].c) && run - k < 3) ++run;
      if (run < end && IsCjkLetter(u[run].c)) {
        for (size_t x = k; x < run; ++x) drop[x] = true;
        k = run - 1;
      }
    }
    i = end;
  }
  size_t w = 0;
  for (size_t k = 0; k < n; ++k) {
    if (!drop[k]) u[w++] = u[k];
  }
  u.resize(w);
}

void JoinSpacedLetters(std::vector<Unit>* units) {
  std::vector<Unit>& u = *units;
  const size_t n = u.size();
  std::vector<bool> drop(n, false);
  // A single letter: a letter whose neighbours are not letters.
  auto single = [&](size_t k) {
    return IsLetter(u[k].c) && (k == 0 || !IsLetter(u[k - 1].c)) &&
           (k + 1 == n || !IsLetter(u[k + 1].c));
  };
  size_t i = 0;
  while (i < n) {
    if (!single(i)) {
      ++i;
      continue;
    }
    const bool cjk = IsCjkLetter(u[i].c);
    // Extend: letter (sep letter)+, same script family, one separator kind.
    std::vector<size_t> seps;
    size_t last = i;
    char32_t sep_kind = 0;
    while (true) {
      const size_t s = last + 1;
      if (s + 1 >= n || !IsSpacer(u[s].c)) break;
      if (sep_kind != 0 && u[s].c != sep_kind) break;
      if (!single(s + 1) || IsCjkLetter(u[s + 1].c) != cjk) break;
      if (cjk && u[s].c != ' ') break;  // "씨 발"; punctuation is pass 2's job
      sep_kind = u[s].c;
      seps.push_back(s);
      last = s + 1;
    }
    const size_t letters = seps.size() + 1;
    if (letters >= (cjk ? 2u : 3u)) {
      for (size_t s : seps) drop[s] = true;
    }
    i = last + 1;
  }
  size_t w = 0;
  for (size_t k = 0; k < n; ++k) {
    if (!drop[k]) u[w++] = u[k];
  }
  u.resize(w);
}

}  // namespace

NormalizedText Normalizer::Lexical(const NormalizedText& folded) const {
  std::vector<Unit> units;
  units.reserve(folded.size());
  const std::string& s = folded.text();
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t start = pos;
    char32_t c = DecodeUtf8(s, &pos);
    if (c >= 0x30A1 && c <= 0x30F6) c -= 0x60;  // katakana -> hiragana
    units.push_back(Unit{c, folded.ToOriginal(start, pos)});
  }
  JoinTrailingJamo(&units);
  FoldInsideWords(&units);
  JoinSpacedLetters(&units);
  NormalizedText out;
  out.Reserve(folded.size());
  std::string buffer;
  for (const Unit& unit : units) {
    buffer.clear();
    AppendUtf8(unit.c, &buffer);
    out.Append(buffer, unit.span);
  }
  return out;
}

base::Result<std::string> Normalizer::LexicalString(std::string_view s) const {
  COMMENTD_ASSIGN_OR_RETURN(NormalizedText folded, Fold(s));
  return Lexical(folded).text();
}

}  // namespace commentd::text

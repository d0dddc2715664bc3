#include "text/link_disguise.h"

#include <array>

#include "text/link_chars.h"
#include "text/link_tables.h"

namespace commentd::text::links {
namespace {
// A "dot" written some other way, found right after a label.
struct DotSeparator {
  size_t end = 0;                // folded offset after the separator
  std::string_view replacement;  // "." or ".com" for "닷컴"
  bool word_dot = false;         // " dot "
  bool spaced_dot = false;       // " . "
  bool suffix_included = false;  // "닷컴": the suffix is part of the separator
  bool punctuation = false;      // "。", "·": also ends sentences in CJK text
  bool weak = false;             // ". " and ",": ordinary punctuation in prose
};

// Korean and Japanese spellings of the common suffixes after a "dot" word.
struct SuffixWord {
  std::string_view word;
  std::string_view replacement;
};
constexpr std::array kSuffixWords = {
    SuffixWord{"컴", ".com"},    SuffixWord{"넷", ".net"},   SuffixWord{"오알지", ".org"},
    SuffixWord{"케이알", ".kr"}, SuffixWord{"コム", ".com"}, SuffixWord{"ネット", ".net"},
};

// "dot" in words and signs that writers put between labels. Each may be
// surrounded by spaces.
constexpr std::array kDotWords = std::to_array<std::string_view>({
    "닷", "쩜", "점", "点", "點", "ドット", "。", "·", "・", "•",
    "ᆞ",  // U+119E: what NFKC makes of "ㆍ" (U+318D), the Korean middle dot
    // Dots that look like a full stop between Latin labels. NFKC already
    // makes "．" (U+FF0E), "․" (U+2024) and "﹒" (U+FE52) a plain ".", "｡"
    // (U+FF61) a "。" and the Greek ano teleia a "·".
    "\u2219",  // ∙ bullet operator
    "\u22C5",  // ⋅ dot operator
    "\u2027",  // ‧ hyphenation point
    "\u2E31",  // ⸱ word separator middle dot
    "\u2E33",  // ⸳ raised dot
    "\u16EB",  // ᛫ runic single punctuation
    "\u1427",  // ᐧ Canadian syllabics final middle dot
    "\uA78F",  // ꞏ Latin letter sinological dot
    "\u2981",  // ⦁ z notation spot
    "\u0589",  // ։ Armenian full stop
    "\u06D4",  // ۔ Arabic full stop
});

// Matches a disguised dot at s[pos], where pos is right after an ASCII label.
// Plain "." is not a disguise and is not matched. Only the shape is checked
// here; the caller checks what stands on either side.
bool MatchDotSeparator(std::string_view s, size_t pos, DotSeparator* out) {
  const size_t n = s.size();
  const size_t j = SkipSpaces(s, pos, 3);
  if (j >= n) return false;
  const bool space_before = j > pos;
  const auto first = static_cast<unsigned char>(s[j]);
  if (first < 0x80 && first != '[' && first != '(' && first != '{' && first != '<' &&
      first != '.' && first != 'd' && first != ',') {  // "dot", "d0t"
    return false;
  }
  *out = DotSeparator{};
  out->replacement = ".";
  // "[.]", "(dot)", "{.}", "<dot>", "[点]", with spaces anywhere inside.
  const char open = s[j];
  if (open == '[' || open == '(' || open == '{' || open == '<') {
    const char close = open == '[' ? ']' : open == '(' ? ')' : open == '{' ? '}' : '>';
    size_t k = SkipSpaces(s, j + 1, 3);
    if (StartsWith(s, k, ".")) {
      k += 1;
    } else if (StartsWith(s, k, "dot") || StartsWith(s, k, "d0t")) {
      k += 3;
    } else {
      bool found = false;
      for (std::string_view w : kDotWords) {
        if (StartsWith(s, k, w)) {
          k += w.size();
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    k = SkipSpaces(s, k, 3);
    if (k >= n || s[k] != close) return false;
    out->end = SkipSpaces(s, k + 1, 3);
    return true;
  }
  // " dot " (or the leet " d0t "): needs a space on both sides.
  if (space_before && (StartsWith(s, j, "dot ") || StartsWith(s, j, "d0t "))) {
    out->end = SkipSpaces(s, j + 3, 3);
    out->word_dot = true;
    return out->end > j + 3;
  }
  // " . ", " .", ". ": a real dot with spaces around it.
  if (s[j] == '.') {
    const size_t k = SkipSpaces(s, j + 1, 3);
    if (!space_before && k == j + 1) return false;  // plain "."
    out->end = k;
    out->spaced_dot = true;
    out->weak = !space_before;  // "example. com" is how every sentence ends
    return true;
  }
  // "example,com": a comma for a dot.
  if (s[j] == ',' && !space_before) {
    out->end = j + 1;
    out->weak = true;
    return true;
  }
  for (std::string_view w : kDotWords) {
    if (!StartsWith(s, j, w)) continue;
    size_t k = SkipSpaces(s, j + w.size(), 3);
    for (const SuffixWord& sw : kSuffixWords) {
      if (StartsWith(s, k, sw.word)) {
        out->end = k + sw.word.size();
        out->replacement = sw.replacement;
        out->suffix_included = true;
        return true;
      }
    }
    out->end = k;
    // Every sign (not the words "닷", "点", "ドット" ...) also ends
    // sentences or separates words in some script.
    out->punctuation =
        w != "닷" && w != "쩜" && w != "점" && w != "点" && w != "點" && w != "ドット";
    return true;
  }
  return false;
}

// True when the ASCII label at s[pos] starts a chain "label (dot label)*"
// ending in a suffix from kBareSuffixes (or a Korean/Japanese suffix word), at
// a word boundary. Dots in the chain may be plain or disguised.
bool ChainEndsInSuffix(std::string_view s, size_t pos) {
  for (int labels = 0; labels < 6; ++labels) {
    const size_t end = AsciiLabelEnd(s, pos);
    if (end == pos || end - pos > 63) return false;
    const std::string_view label = s.substr(pos, end - pos);
    if (end + 1 < s.size() && s[end] == '.' &&
        IsAsciiAlnum(static_cast<unsigned char>(s[end + 1]))) {
      pos = end + 1;
      continue;
    }
    DotSeparator sep;
    if (MatchDotSeparator(s, end, &sep)) {
      if (sep.suffix_included) return true;
      if (sep.end < s.size() && IsAsciiAlnum(static_cast<unsigned char>(s[sep.end]))) {
        pos = sep.end;
        continue;
      }
    }
    const char32_t next = end < s.size() ? DecodeAt(s, end).c : 0;
    if (IsAsciiAlnum(next) || next == '_' || next == '@' || IsNonAsciiLabelChar(next)) return false;
    return IsBareSuffix(label);
  }
  return false;
}

// The word after position pos (skipping spaces), ASCII letters only.
std::string_view NextWord(std::string_view s, size_t pos) {
  pos = SkipSpaces(s, pos, 3);
  const size_t end = AsciiLabelEnd(s, pos);
  return s.substr(pos, end - pos);
}

// Spaced letters: "e x a m p l e . c o m", "h t t p s : / / x . c o m".
// Returns the end of the run starting at pos (0 when there is none) and
// appends the characters without the spaces to *collapsed, with their
// positions in *positions.
size_t MatchSpacedLetters(std::string_view s, size_t pos, std::string* collapsed,
                          std::vector<size_t>* positions) {
  const auto is_token_char = [](char c) {
    return IsAsciiAlnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '/';
  };
  const auto token_ends_at = [&](size_t p) {  // p is right after a one-char token
    return p >= s.size() || !IsAsciiAlnum(static_cast<unsigned char>(s[p]));
  };
  collapsed->clear();
  positions->clear();
  size_t p = pos;
  size_t end = 0;
  while (p < s.size() && is_token_char(s[p]) && token_ends_at(p + 1)) {
    collapsed->push_back(s[p]);
    positions->push_back(p);
    end = p + 1;
    const size_t next = SkipSpaces(s, p + 1, 3);
    if (next == p + 1 || next >= s.size()) break;
    // "e x a m p l e . com": a final multi-letter label after a spaced dot.
    if (s[p] == '.' && IsAsciiAlnum(static_cast<unsigned char>(s[next])) &&
        !token_ends_at(next + 1)) {
      const size_t label_end = AsciiLabelEnd(s, next);
      for (size_t q = next; q < label_end; ++q) {
        collapsed->push_back(s[q]);
        positions->push_back(q);
      }
      end = label_end;
      break;
    }
    p = next;
  }
  if (collapsed->size() < 5) return 0;
  int letters = 0;
  bool has_dot = false;
  for (size_t i = 0; i < collapsed->size(); ++i) {
    const char c = (*collapsed)[i];
    letters += IsAsciiAlpha(static_cast<unsigned char>(c)) ? 1 : 0;
    if (c == '.' && i > 0 && i + 1 < collapsed->size() &&
        IsAsciiAlnum(static_cast<unsigned char>((*collapsed)[i - 1])) &&
        IsAsciiAlnum(static_cast<unsigned char>((*collapsed)[i + 1]))) {
      has_dot = true;
    }
  }
  if (letters < 3 || (!has_dot && collapsed->find("://") == std::string::npos)) return 0;
  return end;
}

// Cheap test before MatchSpacedLetters: is a one-character token the next
// thing after the spaces at `pos`?
bool SecondSpacedLetter(std::string_view s, size_t pos) {
  const size_t j = SkipSpaces(s, pos, 3);
  if (j >= s.size()) return false;
  const char c = s[j];
  if (!(IsAsciiAlnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '/'))
    return false;
  return j + 1 >= s.size() || !IsAsciiAlnum(static_cast<unsigned char>(s[j + 1]));
}

}  // namespace

View Undisguise(const NormalizedText& folded, std::string_view original) {
  const std::string_view s = folded.text();
  View view(s);
  std::string collapsed;
  std::vector<size_t> positions;
  // The loop visits the start of each ASCII word (for spaced letters) and
  // the character right after it (for disguised dots); everything else is
  // skipped a code point at a time.
  size_t i = 0;
  while (i < s.size()) {
    if (!IsAsciiAlnum(static_cast<unsigned char>(s[i]))) {
      i += DecodeAt(s, i).len;
      continue;
    }
    // Spaced letters, at a word start.
    if (i + 1 < s.size() && s[i + 1] == ' ' && SecondSpacedLetter(s, i + 1)) {
      const size_t end = MatchSpacedLetters(s, i, &collapsed, &positions);
      if (end > 0) {
        for (size_t k = 0; k < positions.size(); ++k) {
          // A collapsed letter stands for itself and the spaces after it.
          const size_t next = k + 1 < positions.size() ? positions[k + 1] : end;
          view.Replace(positions[k], next, std::string_view(&collapsed[k], 1));
        }
        i = end;
        continue;
      }
    }
    while (i < s.size() && IsAsciiAlnum(static_cast<unsigned char>(s[i]))) ++i;
    if (i >= s.size()) break;
    // Disguised dots, right after an ASCII label.
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '.' || c == ',' || c == '[' || c == '(' || c == '{' || c == '<' ||
        c >= 0x80) {
      DotSeparator sep;
      if (MatchDotSeparator(s, i, &sep)) {
        bool ok = sep.suffix_included
                      ? sep.end >= s.size() || !IsAsciiAlnum(static_cast<unsigned char>(s[sep.end]))
                      : sep.end < s.size() && ChainEndsInSuffix(s, sep.end);
        size_t left = i;
        while (left > 0 &&
               (IsAsciiAlnum(static_cast<unsigned char>(s[left - 1])) || s[left - 1] == '-')) {
          --left;
        }
        const std::string_view left_word = s.substr(left, i - left);
        if (ok && sep.word_dot) {
          const std::string_view right = NextWord(s, sep.end);
          const size_t right_end = AsciiLabelEnd(s, sep.end);
          ok = !IsDotWordStopword(left_word) &&
               !(right == "com" && IsDotComEraWord(NextWord(s, right_end)));
        }
        // "ok. me too", "apples,co": after ordinary punctuation only the
        // big three suffixes, which are no words, make a domain.
        if (ok && sep.weak) {
          const std::string_view right = s.substr(sep.end, AsciiLabelEnd(s, sep.end) - sep.end);
          ok = right == "com" || right == "net" || right == "org";
        }
        // "Korea . It was", "…MSL。UA는": a capital after a spaced dot or
        // a CJK full stop starts the next sentence. "COM" and friends are
        // still a domain ("NAVER。COM"). Without the original text the case
        // is unknown, and a CJK full stop then only counts before the big
        // three.
        if (ok && (sep.spaced_dot || sep.punctuation)) {
          const size_t right_end = AsciiLabelEnd(s, sep.end);
          const std::string_view right = s.substr(sep.end, right_end - sep.end);
          if (right_end > sep.end && right != "com" && right != "net" && right != "org") {
            if (original.empty()) {
              ok = !sep.punctuation;
            } else {
              const Span span = folded.ToOriginal(sep.end, right_end);
              const std::string_view typed = original.substr(span.begin, span.end - span.begin);
              ok = !(sep.spaced_dot ? IsTitleCase(typed) : typed[0] >= 'A' && typed[0] <= 'Z');
            }
          }
        }
        if (ok) {
          view.Replace(i, sep.end, sep.replacement);
          i = sep.end;
          continue;
        }
      }
    }
  }
  view.Finish();
  return view;
}

}  // namespace commentd::text::links

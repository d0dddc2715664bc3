#include "text/link_finder.h"

#include <arpa/inet.h>
#include <libpsl.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/script.h"
#include "text/utf8.h"

namespace commentd::text {

std::string_view LinkKindName(LinkKind kind) {
  switch (kind) {
    case LinkKind::kUrl:
      return "url";
    case LinkKind::kWww:
      return "www";
    case LinkKind::kBareDomain:
      return "bare_domain";
    case LinkKind::kIpAddress:
      return "ip_address";
    case LinkKind::kEmail:
      return "email";
  }
  return "unknown";
}

// How the finder works
//
// Find() makes two linear passes over the folded text.
//
// 1. The "undisguise" pass writes a view in which the disguises writers use to
//    slip a link past a filter are undone: "example dot com", "example [.]
//    com", "example (dot) com", "example . com", "example。com", "example닷컴",
//    "example点com", spaced letters "e x a m p l e . c o m". Each byte of the
//    view remembers the folded bytes it came from and whether it was written
//    by a disguise. Text without any disguise (nearly all comments) is not
//    copied: the view is then the folded text itself.
// 2. The scan walks the view once. At each word start it tries, in order, a
//    scheme URL ("https://", "hxxp://", "ttp://", "h**p://", "http:x.com"),
//    an e-mail address, a "www." host, then a bare domain or IPv4 address;
//    on success it jumps past the link, on failure past the word. A word not
//    followed by one of . : / @ is skipped without trying anything, and the
//    public suffix list is only asked about hosts with a dot.
//
// How sure we must be depends on what the writer typed:
//  - After a real scheme ("http://", "ftp://") every well-formed host counts,
//    even "http://localhost:8000" or "http://example.invalid": the writer
//    typed a link. An obfuscated or unknown scheme needs a real public suffix.
//  - "www." hosts and bare domains with a path, port or query need an ICANN
//    public suffix (libpsl) and a registrable label in front of it.
//  - A bare domain with nothing after it ("example.com") is where prose lives:
//    "U.S.", "Mr.Kim", "node.js", "report.pdf", "in China.Then". It needs a
//    suffix from kBareSuffixes below (commonly abused or well-known suffixes;
//    two-letter country codes that are English words, units or file
//    extensions are left out), or a known shortener host, and it must not be
//    written Title-case after the dot in the original text ("Mr.Kim").
//  - Hangul, Han and Kana end a bare domain ("example.com에서",
//    "访问example.com看看"); after a scheme or "www." they may form IDN labels
//    ("http://ああ.com"), but a host that only validates when cut at a switch
//    to CJK is cut there ("http://example.comだよね" -> example.com).
//  - An e-mail address is reported whole as kind kEmail when its domain has a
//    real public suffix; a domain right before "@" is never a link of its
//    own ("john.doe.gov@mail.com" is one address, not a link to doe.gov).

namespace {

// ---------------------------------------------------------------------------
// Tables

// Suffixes that make a bare domain without a path a link: generic TLDs that
// are well known or commonly abused by spam, and country codes. Left out on
// purpose, because they end ordinary words in prose written without a space
// after the dot: country codes that are English words or abbreviations (ad al
// am as at be by do id im in is it my no pm re so sr st to us ye), units and
// file extensions (cm cv gb hr kg km md ml mm ms pl ps pt py rs sh tm) and
// "mr". Generic TLDs that are words or file extensions (kim, name, zip, mov,
// one, news, life, ...) are not listed at all. All of them still count with a
// scheme, "www." or a path.
constexpr std::array kBareSuffixes = std::to_array<std::string_view>({
    // generic
    "adult",
    "app",
    "asia",
    "bet",
    "biz",
    "buzz",
    "casino",
    "click",
    "cloud",
    "club",
    "com",
    "cyou",
    "dating",
    "dev",
    "edu",
    "fun",
    "gov",
    "icu",
    "info",
    "int",
    "link",
    "live",
    "loan",
    "loans",
    "mil",
    "mobi",
    "monster",
    "net",
    "online",
    "org",
    "poker",
    "porn",
    "pro",
    "sex",
    "sexy",
    "shop",
    "site",
    "space",
    "store",
    "tech",
    "top",
    "vip",
    "website",
    "win",
    "work",
    "xxx",
    "xyz",
    // internationalized country codes that are not CJK
    "рф",
    // country codes
    "ac",
    "ae",
    "af",
    "ag",
    "ai",
    "ao",
    "aq",
    "ar",
    "au",
    "aw",
    "ax",
    "az",
    "ba",
    "bb",
    "bd",
    "bf",
    "bg",
    "bh",
    "bi",
    "bj",
    "bm",
    "bn",
    "bo",
    "br",
    "bs",
    "bt",
    "bw",
    "bz",
    "ca",
    "cc",
    "cd",
    "cf",
    "cg",
    "ch",
    "ci",
    "ck",
    "cl",
    "cn",
    "co",
    "cr",
    "cu",
    "cw",
    "cx",
    "cy",
    "cz",
    "de",
    "dj",
    "dk",
    "dm",
    "dz",
    "ec",
    "ee",
    "eg",
    "es",
    "eu",
    "fi",
    "fj",
    "fk",
    "fm",
    "fo",
    "fr",
    "ga",
    "gd",
    "ge",
    "gf",
    "gg",
    "gh",
    "gi",
    "gl",
    "gm",
    "gn",
    "gp",
    "gq",
    "gr",
    "gs",
    "gt",
    "gu",
    "gw",
    "gy",
    "hk",
    "hm",
    "hn",
    "ht",
    "hu",
    "ie",
    "il",
    "io",
    "iq",
    "ir",
    "je",
    "jm",
    "jo",
    "jp",
    "ke",
    "kh",
    "ki",
    "kn",
    "kp",
    "kr",
    "kw",
    "ky",
    "kz",
    "la",
    "lb",
    "lc",
    "li",
    "lk",
    "lr",
    "ls",
    "lt",
    "lu",
    "lv",
    "ly",
    "ma",
    "mc",
    "me",
    "mg",
    "mh",
    "mk",
    "mn",
    "mo",
    "mp",
    "mq",
    "mt",
    "mu",
    "mv",
    "mw",
    "mx",
    "mz",
    "na",
    "nc",
    "ne",
    "nf",
    "ng",
    "ni",
    "nl",
    "np",
    "nr",
    "nu",
    "nz",
    "om",
    "pa",
    "pe",
    "pf",
    "pg",
    "ph",
    "pk",
    "pn",
    "pr",
    "pw",
    "qa",
    "ro",
    "ru",
    "rw",
    "sa",
    "sb",
    "sc",
    "sd",
    "se",
    "sg",
    "si",
    "sk",
    "sl",
    "sm",
    "sn",
    "ss",
    "su",
    "sv",
    "sx",
    "sy",
    "sz",
    "tc",
    "td",
    "tf",
    "tg",
    "th",
    "tj",
    "tk",
    "tl",
    "tn",
    "tr",
    "tt",
    "tv",
    "tw",
    "tz",
    "ua",
    "ug",
    "uk",
    "uy",
    "uz",
    "va",
    "vc",
    "ve",
    "vg",
    "vi",
    "vn",
    "vu",
    "wf",
    "ws",
    "yt",
    "za",
    "zm",
    "zw",
});

// Public suffixes that end ordinary words in prose written without a space
// after the dot, or are units and file extensions: a bare domain ending in
// one of these needs a scheme, "www." or a path ("script.sh", "photo.zip",
// "5.kg"). Every other ICANN TLD makes a bare domain (see BareHostAcceptable).
constexpr std::array kProseSuffixes = std::to_array<std::string_view>({
    // English words that end a clause: "went.to", "look.at", "come.in"
    "am",
    "as",
    "at",
    "be",
    "by",
    "do",
    "in",
    "is",
    "no",
    "so",
    "to",
    // units and file extensions
    "cm",
    "cv",
    "gb",
    "hr",
    "kg",
    "km",
    "md",
    "ml",
    "mm",
    "mov",
    "mr",
    "ms",
    "pl",
    "pm",
    "ps",
    "pt",
    "py",
    "rs",
    "sh",
    "tm",
    "zip",
});

// Words that, before a dot, are prose rather than a registrable label:
// "this.is", "that.so", "it.is".
constexpr std::array kProseLabels = std::to_array<std::string_view>({
    "also", "and",  "but",  "even", "here",  "just",  "like",  "much", "only", "really",
    "said", "some", "than", "that", "then",  "there", "these", "they", "this", "those",
    "very", "well", "what", "when", "where", "which", "while", "with", "yeah", "your",
});

// Suffixes that are no English word: Title-case after the dot still makes
// a link ("BestCasino.Com", "NAVER.Net"), where "Korea.It" or "Mr.Kim" is a
// sentence run together.
constexpr std::array kNonWordSuffixes = std::to_array<std::string_view>({
    "biz",  "casino", "cn",  "co",    "com", "cyou", "icu", "info", "io",  "jp",  "kr",
    "mobi", "net",    "org", "poker", "ru",  "tk",   "tw",  "uk",   "xxx", "xyz",
});

// URL shorteners and link-redirect hosts. A bare shortener host is a link even
// when its suffix is not in kBareSuffixes ("me2.do", "kko.to").
constexpr std::array kShorteners = std::to_array<std::string_view>({
    "amzn.to", "bit.do",   "bit.ly", "j.mp",   "buff.ly",    "c11.kr",  "cutt.ly",
    "dwz.cn",  "fb.me",    "goo.gl", "han.gl", "is.gd",      "kko.to",  "lnkd.in",
    "me2.do",  "naver.me", "ow.ly",  "rb.gy",  "rebrand.ly", "s.id",    "shorturl.at",
    "suo.im",  "t.cn",     "t.co",   "t.ly",   "t.me",       "tiny.cc", "tinyurl.com",
    "url.cn",  "url.kr",   "v.gd",   "vo.la",  "vvd.bz",     "wp.me",   "youtu.be",
});

// Schemes that are real; after one of these with "://" any well-formed host
// is a link.
constexpr std::array kKnownSchemes = std::to_array<std::string_view>({
    "feed", "file", "ftp",  "ftps",   "git",    "gopher", "http", "https",
    "irc",  "ircs", "ldap", "mms",    "nntp",   "rtmp",   "rtsp", "sftp",
    "smb",  "ssh",  "svn",  "telnet", "webcal", "ws",     "wss",
});

// Words in front of " dot " that make it prose, not a domain: "the dot com
// bubble", "connect a dot".
constexpr std::array kDotWordStopwords = std::to_array<std::string_view>({
    "a",     "after", "an",   "and",   "before", "big", "during", "early", "every",
    "first", "late",  "like", "new",   "no",     "of",  "old",    "one",   "or",
    "post",  "pre",   "same", "since", "that",   "the", "this",   "to",
});

// Words after "dot com" that make it the era, not a domain.
constexpr std::array kDotComEraWords = std::to_array<std::string_view>({
    "age",
    "boom",
    "bubble",
    "bust",
    "companies",
    "company",
    "crash",
    "days",
    "era",
    "mania",
    "millionaire",
    "startup",
    "startups",
    "stocks",
    "years",
});

// The tables above, sorted at compile time for binary search.
template <size_t N>
constexpr std::array<std::string_view, N> Sorted(std::array<std::string_view, N> list) {
  std::sort(list.begin(), list.end());
  return list;
}
constexpr auto kBareSuffixSet = Sorted(kBareSuffixes);
constexpr auto kShortenerSet = Sorted(kShorteners);
constexpr auto kProseSuffixSet = Sorted(kProseSuffixes);
constexpr auto kProseLabelSet = Sorted(kProseLabels);
constexpr auto kNonWordSuffixSet = Sorted(kNonWordSuffixes);
constexpr auto kKnownSchemeSet = Sorted(kKnownSchemes);
constexpr auto kDotWordStopwordSet = Sorted(kDotWordStopwords);
constexpr auto kDotComEraWordSet = Sorted(kDotComEraWords);

template <size_t N>
bool InSet(const std::array<std::string_view, N>& sorted, std::string_view s) {
  return std::binary_search(sorted.begin(), sorted.end(), s);
}

// ---------------------------------------------------------------------------
// Code points

// A malformed byte decodes as U+FFFD (text::DecodeAt). The folded view is
// valid UTF-8, but the finder must not trust that for memory safety.
constexpr char32_t kInvalid = kReplacementCharacter;

bool IsAsciiAlpha(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char32_t c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }
bool IsAsciiLabelChar(char32_t c) { return IsAsciiAlnum(c) || c == '-' || c == '_'; }

// CJK and fullwidth punctuation: ends hosts and paths.
bool IsCjkPunct(char32_t c) {
  return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE30 && c <= 0xFE6F) ||
         (c >= 0xFF00 && c <= 0xFF65) || (c >= 0xFFE0 && c <= 0xFFEF);
}

bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x85 ||
         c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

// A non-ASCII code point that may be part of an IDN label ("bürger", "✪df",
// "президент"): anything but spaces, controls, punctuation blocks and CJK.
bool IsNonAsciiLabelChar(char32_t c) {
  if (c < 0x80 || c == kInvalid) return false;
  if (c <= 0xBF || c == 0xD7 || c == 0xF7) return false;  // C1 controls, Latin-1 punctuation
  if (c >= 0x2000 && c <= 0x206F) return false;           // general punctuation
  if (c >= 0x2E00 && c <= 0x2E7F) return false;           // supplemental punctuation
  if (c >= 0xD800 && c <= 0xDFFF) return false;
  return !IsSpace(c) && !IsCjkLetter(c) && !IsCjkPunct(c);
}

// Arrows, dingbats, pictographs, emoji and their modifiers. They may stand in
// an IDN label ("✪df.ws"), but right after an ASCII label they are decoration
// ("example.com😀"), so a host is cut there when it does not validate whole,
// and a path stops at them.
bool IsSymbol(char32_t c) {
  return (c >= 0x2190 && c <= 0x2BFF) || (c >= 0xE000 && c <= 0xF8FF) ||
         (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x1F000 && c <= 0x1FAFF);
}

bool IsHostChar(char32_t c, bool allow_cjk) {
  return IsAsciiLabelChar(c) || IsNonAsciiLabelChar(c) || (allow_cjk && IsCjkLetter(c));
}

// Characters that may continue a URL path or query.
bool IsPathChar(char32_t c) {
  if (c < 0x21 || c == 0x7F || c == '<' || c == '>' || c == '`' || c == '\\') return false;
  if (c >= 0x80 && c <= 0x9F) return false;
  return !IsSpace(c) && !IsCjkLetter(c) && !IsCjkPunct(c) && !IsSymbol(c) && c != kInvalid;
}

bool StartsWith(std::string_view s, size_t pos, std::string_view prefix) {
  return s.size() - pos >= prefix.size() && s.compare(pos, prefix.size(), prefix) == 0;
}

size_t SkipSpaces(std::string_view s, size_t pos, size_t max) {
  for (size_t n = 0; n < max && pos < s.size() && s[pos] == ' '; ++n) ++pos;
  return pos;
}

// End of the run of ASCII label characters [a-z0-9-] starting at pos.
size_t AsciiLabelEnd(std::string_view s, size_t pos) {
  while (pos < s.size() && (IsAsciiAlnum(static_cast<unsigned char>(s[pos])) || s[pos] == '-')) {
    ++pos;
  }
  return pos;
}

// True when original bytes `word` are Title-case: "Kim", "Then", "Com".
bool IsTitleCase(std::string_view word) {
  if (word.size() < 2 || !(word[0] >= 'A' && word[0] <= 'Z')) return false;
  return std::any_of(word.begin() + 1, word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// ---------------------------------------------------------------------------
// The undisguised view

// The text the scan reads, and for each of its bytes the folded bytes it came
// from. Owned by one thread.
class View {
 public:
  explicit View(std::string_view folded) : folded_(folded) {}

  std::string_view text() const { return materialized_ ? std::string_view(text_) : folded_; }

  // Folded range of view bytes [b, e); b < e.
  uint32_t FoldedBegin(size_t b) const { return materialized_ ? from_begin_[b] : b; }
  uint32_t FoldedEnd(size_t e) const { return materialized_ ? from_end_[e - 1] : e; }
  bool AnyDisguised(size_t b, size_t e) const {
    if (!materialized_) return false;
    return std::any_of(disguised_.begin() + b, disguised_.begin() + e, [](bool d) { return d; });
  }

  // Replaces folded bytes [b, e) with `repl`; everything up to b is copied
  // unchanged. Calls come in increasing order of b.
  void Replace(size_t b, size_t e, std::string_view repl) {
    if (!materialized_) {
      materialized_ = true;
      text_.reserve(folded_.size());
      from_begin_.reserve(folded_.size());
      from_end_.reserve(folded_.size());
      disguised_.reserve(folded_.size());
    }
    CopyUpTo(b);
    for (char c : repl) Push(c, b, e, true);
    copied_ = e;
  }

  void Finish() {
    if (materialized_) CopyUpTo(folded_.size());
  }

 private:
  void Push(char c, size_t b, size_t e, bool disguised) {
    text_.push_back(c);
    from_begin_.push_back(static_cast<uint32_t>(b));
    from_end_.push_back(static_cast<uint32_t>(e));
    disguised_.push_back(disguised);
  }
  void CopyUpTo(size_t b) {
    for (; copied_ < b; ++copied_) Push(folded_[copied_], copied_, copied_ + 1, false);
  }

  std::string_view folded_;
  bool materialized_ = false;
  size_t copied_ = 0;
  std::string text_;
  std::vector<uint32_t> from_begin_;
  std::vector<uint32_t> from_end_;
  std::vector<bool> disguised_;
};

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
    return InSet(kBareSuffixSet, label);
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

// Builds the view with disguises undone. `original` may be empty (then the
// Title-case test for " . " is skipped).
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
          ok = !InSet(kDotWordStopwordSet, left_word) &&
               !(right == "com" && InSet(kDotComEraWordSet, NextWord(s, right_end)));
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

// ---------------------------------------------------------------------------
// Hosts

// What a host string is, once checked.
struct HostCheck {
  bool syntax_ok = false;
  bool ipv4 = false;
  bool ascii = true;
  int labels = 0;
  int suffix_labels = 0;  // labels of the ICANN public suffix; 0 = unknown
  std::string_view tld;
};

// Parses a host starting at t[pos]: labels of host characters separated by
// single dots. Stops before a dot that is not followed by a host character
// (a sentence end). Returns the end; *cuts gets the positions where an ASCII
// label runs into CJK letters or symbols (the places to cut an over-long
// host).
size_t ParseHost(std::string_view t, size_t pos, bool allow_cjk, std::vector<size_t>* cuts) {
  size_t j = pos;
  size_t label_start = pos;
  bool prev_ascii = false;
  while (j < t.size() && j - pos <= 260) {  // hosts are at most 253 bytes
    const auto [cp, len, valid] = DecodeAt(t, j);
    if (cp == '.') {
      if (j == label_start || j + 1 >= t.size()) break;
      if (!IsHostChar(DecodeAt(t, j + 1).c, allow_cjk)) break;
      j += 1;
      label_start = j;
      prev_ascii = false;
      continue;
    }
    if (!IsHostChar(cp, allow_cjk)) break;
    if (prev_ascii && (IsCjkLetter(cp) || IsSymbol(cp)) && cuts != nullptr && cuts->size() < 8) {
      cuts->push_back(j);
    }
    prev_ascii = cp < 0x80;
    j += len;
  }
  return j;
}

// The public suffix list and the host checks that need it. Thread-safe
// (libpsl only reads its context).
class SuffixList {
 public:
  explicit SuffixList(const psl_ctx_t* psl) : psl(psl) {}
  const psl_ctx_t* psl;

  // Number of labels of the longest ICANN public suffix of `host`, 0 when
  // the TLD is unknown. `host` is lower case.
  int SuffixLabels(const std::string& host) const {
    int labels_after = 1;
    for (size_t p = host.size(); p > 0; --p) {
      if (host[p - 1] != '.') continue;
      ++labels_after;
    }
    // Longest first: try every label start from the left.
    size_t start = 0;
    int remaining = labels_after;
    while (true) {
      if (psl_is_public_suffix2(psl, host.c_str() + start,
                                PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE)) {
        return remaining;
      }
      const size_t dot = host.find('.', start);
      if (dot == std::string::npos) return 0;
      start = dot + 1;
      --remaining;
    }
  }

  HostCheck Check(std::string_view host) const {
    HostCheck check;
    if (host.empty() || host.size() > 253) return check;
    std::array<std::string_view, 128> labels;
    size_t count = 0;
    size_t start = 0;
    while (true) {
      const size_t dot = host.find('.', start);
      const size_t end = dot == std::string_view::npos ? host.size() : dot;
      if (count == labels.size()) return check;
      labels[count++] = host.substr(start, end - start);
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    check.labels = static_cast<int>(count);
    bool all_numeric = true;
    for (size_t i = 0; i < count; ++i) {
      const std::string_view label = labels[i];
      if (label.empty()) return check;
      const char first = label.front();
      const char last = label.back();
      if (first == '-' || first == '_' || last == '-' || last == '_') return check;
      size_t code_points = 0;
      bool label_ascii = true;
      bool numeric = true;
      for (size_t p = 0; p < label.size();) {
        const auto [cp, len, valid] = DecodeAt(label, p);
        if (cp >= 0x80) label_ascii = false;
        if (!IsAsciiDigit(cp)) numeric = false;
        p += len;
        ++code_points;
      }
      if (code_points > 63) return check;
      if (label.size() >= 4 && label.substr(2, 2) == "--" && label.substr(0, 2) == "xn" &&
          !label_ascii) {
        return check;  // "xn--" labels are punycode, ASCII by definition
      }
      if (!label_ascii) check.ascii = false;
      if (!numeric) all_numeric = false;
    }
    if (count == 4 && all_numeric) {
      for (size_t i = 0; i < count; ++i) {
        if (labels[i].size() > 3) return check;
        int value = 0;
        for (char c : labels[i]) value = value * 10 + (c - '0');
        if (value > 255) return check;
      }
      check.ipv4 = true;
      check.syntax_ok = true;
      return check;
    }
    const std::string_view tld = labels[count - 1];
    check.tld = tld;
    if (count == 1) {
      check.syntax_ok = tld.find('_') == std::string_view::npos;
      return check;
    }
    // The TLD is letters (or punycode); the registrable label and the TLD
    // take no underscore (subdomains may: "sub_domain.example.com").
    const bool punycode = tld.size() > 4 && tld.substr(0, 4) == "xn--";
    if (!punycode) {
      for (size_t p = 0; p < tld.size();) {
        const auto [cp, len, valid] = DecodeAt(tld, p);
        if (!(IsAsciiAlpha(cp) || IsNonAsciiLabelChar(cp) || IsCjkLetter(cp))) return check;
        p += len;
      }
    }
    if (labels[count - 2].find('_') != std::string_view::npos) return check;
    check.syntax_ok = true;
    check.suffix_labels = SuffixLabels(std::string(host));
    return check;
  }
};

// Everything the scan needs for one call. Owned by one thread.
class Scan {
 public:
  Scan(const SuffixList& state, const NormalizedText& folded, std::string_view original,
       const View& view)
      : state_(state), folded_(folded), original_(original), view_(view), t_(view.text()) {}

  std::vector<Link> Run() {
    std::vector<Link> links;
    size_t i = 0;
    while (i < t_.size()) {
      const auto byte = static_cast<unsigned char>(t_[i]);
      size_t len = 1;
      char32_t cp = byte;
      if (byte < 0x80) {
        if (!IsAsciiAlnum(byte) && byte != '*') {
          ++i;
          continue;
        }
      } else {
        const CodePoint decoded = DecodeAt(t_, i);
        cp = decoded.c;
        len = decoded.len;
        if (!IsNonAsciiLabelChar(cp)) {
          i += len;
          continue;
        }
      }
      const char32_t prev =
          i > 0 && static_cast<unsigned char>(t_[i - 1]) < 0x80 ? t_[i - 1] : DecodeBefore(t_, i).c;
      if (IsAsciiAlnum(prev) || prev == '_' || prev == '*' ||
          (IsNonAsciiLabelChar(prev) && IsNonAsciiLabelChar(cp))) {
        i += len;
        continue;
      }
      // Most words are just words: nothing after them can make a link.
      if (cp < 0x80) {
        size_t j = i;
        while (j < t_.size() && IsAsciiLabelChar(static_cast<unsigned char>(t_[j]))) ++j;
        const char32_t next = j < t_.size() ? DecodeAt(t_, j).c : 0;
        if (next != '.' && next != ':' && next != '/' && next != '@' && next != '+' &&
            next != '%' && next != '*' && !IsNonAsciiLabelChar(next)) {
          i = j;
          continue;
        }
      }
      Link link;
      size_t end = 0;
      if (TryScheme(i, &link, &end) || TryEmail(i, prev, &link, &end) ||
          TryWww(i, prev, &link, &end) || TryBare(i, prev, &link, &end)) {
        links.push_back(std::move(link));
        i = end;
        continue;
      }
      i = SkipWord(i);
    }
    return links;
  }

 private:
  // Past the word at i (label characters), at least one code point.
  size_t SkipWord(size_t i) const {
    i += DecodeAt(t_, i).len;
    while (i < t_.size()) {
      const auto [cp, len, valid] = DecodeAt(t_, i);
      if (!IsHostChar(cp, false) && cp != '*') break;
      i += len;
    }
    return i;
  }

  // A host at t[pos], checked; tries shorter hosts cut before CJK letters
  // when the whole run does not validate. `accept` says whether a check is
  // good enough. Returns the host end, or 0.
  template <typename Accept>
  size_t FindHost(size_t pos, bool allow_cjk, HostCheck* check, Accept accept) const {
    std::vector<size_t> cuts;
    const size_t end = ParseHost(t_, pos, allow_cjk, &cuts);
    if (end == pos) return 0;
    *check = state_.Check(t_.substr(pos, end - pos));
    if (accept(*check)) return end;
    for (auto it = cuts.rbegin(); it != cuts.rend(); ++it) {
      *check = state_.Check(t_.substr(pos, *it - pos));
      if (accept(*check)) return *it;
    }
    return 0;
  }

  // Port and path after a host ending at `pos`. Returns false when the port
  // is invalid (the whole candidate is then not a link). Sets *end and
  // whether anything followed the host.
  bool ParseRest(size_t url_start, size_t pos, size_t* end, bool* has_rest) const {
    *has_rest = false;
    if (pos < t_.size() && t_[pos] == ':' && pos + 1 < t_.size() &&
        IsAsciiDigit(static_cast<unsigned char>(t_[pos + 1]))) {
      size_t p = pos + 1;
      uint32_t port = 0;
      while (p < t_.size() && IsAsciiDigit(static_cast<unsigned char>(t_[p]))) {
        port = port * 10 + static_cast<uint32_t>(t_[p] - '0');
        if (port > 65535) return false;
        ++p;
      }
      if (p < t_.size() && (IsAsciiAlpha(static_cast<unsigned char>(t_[p])) || t_[p] == '_')) {
        return false;  // "host:80abc"
      }
      pos = p;
      *has_rest = true;
    }
    if (pos < t_.size() && (t_[pos] == '/' || t_[pos] == '?' || t_[pos] == '#')) {
      size_t p = pos;
      while (p < t_.size()) {
        const auto [cp, len, valid] = DecodeAt(t_, p);
        if (!IsPathChar(cp)) break;
        p += len;
      }
      pos = TrimTrailing(url_start, pos, p);
      *has_rest = true;
    }
    *end = pos;
    return true;
  }

  // Drops trailing punctuation that belongs to the sentence, keeping closing
  // brackets and quotes that are balanced inside the URL ("Primer_(film)").
  size_t TrimTrailing(size_t url_start, size_t path_start, size_t end) const {
    // Counted once, then kept up to date, so that a run of a thousand ")"
    // costs a thousand steps.
    std::array<int, 128> count{};
    for (size_t k = url_start; k < end; ++k) {
      const auto c = static_cast<unsigned char>(t_[k]);
      if (c < count.size()) ++count[c];
    }
    while (end > path_start + 1) {
      const char c = t_[end - 1];
      bool drop = c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '*';
      if (c == ')' || c == ']' || c == '}') {
        const char open = c == ')' ? '(' : c == ']' ? '[' : '{';
        drop = count[static_cast<unsigned char>(c)] > count[static_cast<unsigned char>(open)];
      } else if (c == '"' || c == '\'') {
        drop = count[static_cast<unsigned char>(c)] % 2 == 1;
      }
      if (!drop) break;
      --count[static_cast<unsigned char>(c)];
      --end;
    }
    return end;
  }

  static bool IsObfuscatedHttp(std::string_view scheme) {
    std::string_view core = scheme;
    if (core.size() > 1 && core.back() == 's') core.remove_suffix(1);
    if (core == "hppt" || core == "htpp" || core == "hhtp") return true;
    if (core.size() < 3 || core.size() > 6 || core == "http" || core.back() != 'p') return false;
    if (core.front() != 'h' && core.front() != 't') return false;
    return std::all_of(core.begin(), core.end(), [](char c) {
      return c == 'h' || c == 't' || c == 'p' || c == 'x' || c == '*';
    });
  }

  // scheme "://" host ... and the obfuscated forms.
  bool TryScheme(size_t i, Link* link, size_t* end) const {
    size_t j = i;
    while (j < t_.size() && j - i <= 16) {
      const auto c = static_cast<unsigned char>(t_[j]);
      if (!(IsAsciiAlnum(c) || c == '+' || c == '-' || c == '*')) break;
      ++j;
    }
    if (j == i || j - i > 16 || j >= t_.size()) return false;
    if (t_[j] != ':' && t_[j] != '/' && t_[j] != '[' && t_[j] != '(') return false;
    const std::string_view scheme = t_.substr(i, j - i);
    if (!IsAsciiAlpha(static_cast<unsigned char>(scheme[0]))) return false;
    const bool obfuscated = IsObfuscatedHttp(scheme);
    const bool http = scheme == "http" || scheme == "https";
    const bool known = InSet(kKnownSchemeSet, scheme);
    if (!known && scheme.find('*') != std::string_view::npos && !obfuscated) return false;

    // The separator. "://" for every scheme; the broken forms ":/", "//",
    // ":" only after http and its disguises.
    enum class Sep { kFull, kBroken, kColonOnly } sep;
    size_t host_start;
    if (StartsWith(t_, j, "://")) {
      sep = Sep::kFull;
      host_start = j + 3;
      // "http:// example.com": a space after the slashes.
      const size_t k = SkipSpaces(t_, host_start, 3);
      if (k > host_start && k < t_.size() && IsAsciiAlnum(static_cast<unsigned char>(t_[k]))) {
        host_start = k;
      }
    } else if (!(http || obfuscated)) {
      return false;
    } else if (StartsWith(t_, j, "[:]//") || StartsWith(t_, j, "(:)//")) {
      sep = Sep::kBroken;  // "hxxp[:]//": the way security reports defang links
      host_start = j + 5;
    } else if (const size_t k = SkipSpaces(t_, j + 1, 2);
               t_[j] == ':' && k > j + 1 && StartsWith(t_, k, "//")) {
      sep = Sep::kBroken;  // "http: //example.com"
      host_start = k + 2;
    } else if (StartsWith(t_, j, ":/") || StartsWith(t_, j, "//") || StartsWith(t_, j, ":\\\\")) {
      sep = Sep::kBroken;
      host_start = j + (StartsWith(t_, j, ":\\\\") ? 3 : 2);
    } else if (t_[j] == ':') {
      sep = Sep::kColonOnly;
      host_start = j + 1;
    } else {
      return false;
    }
    if (host_start >= t_.size()) return false;

    // user:password@ before the host: the authority ends at the first "/",
    // "?" or "#" and the userinfo at the last "@" before it (WHATWG URL).
    // For the special schemes a backslash is a path separator too, so
    // "http://evil.example.com\@example.org/" goes to evil.example.com.
    const bool special = http || obfuscated || scheme == "ftp" || scheme == "ws" ||
                         scheme == "wss" || scheme == "file";
    if (sep == Sep::kFull) {
      size_t last_at = 0;
      for (size_t k = host_start; k < t_.size() && k - host_start < 256; ++k) {
        const char c = t_[k];
        if (c == '/' || c == '?' || c == '#' || c == ' ' || c == '\n' || c == '\t' || c == '[' ||
            c == ']' || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' ||
            (special && c == '\\')) {
          break;
        }
        if (c == '@') last_at = k;
      }
      if (last_at > 0) host_start = last_at + 1;
    }

    // An IPv6 literal: "http://[2001:db8::1]:8080/".
    if (t_[host_start] == '[') {
      const size_t close = t_.find(']', host_start);
      if (close == std::string_view::npos || close - host_start > 64) return false;
      const std::string literal(t_.substr(host_start + 1, close - host_start - 1));
      in6_addr addr;
      if (literal.find(':') == std::string::npos ||
          inet_pton(AF_INET6, literal.c_str(), &addr) != 1) {
        return false;
      }
      size_t url_end;
      bool has_rest;
      if (!ParseRest(i, close + 1, &url_end, &has_rest)) return false;
      link->kind = LinkKind::kIpAddress;
      link->url = std::string(t_.substr(i, url_end - i));
      Fill(i, url_end, host_start, close + 1, obfuscated || sep != Sep::kFull, link);
      *end = url_end;
      return true;
    }

    const bool strong = known && !obfuscated && sep == Sep::kFull;
    HostCheck check;
    const size_t host_end =
        FindHost(host_start, sep != Sep::kColonOnly, &check, [&](const HostCheck& c) {
          if (!c.syntax_ok) return false;
          if (c.ipv4) return true;
          if (c.labels == 1) return strong;
          if (c.suffix_labels > 0 && c.labels > c.suffix_labels) return true;
          return strong && c.ascii && c.suffix_labels == 0;
        });
    if (host_end == 0) return false;
    size_t url_end;
    bool has_rest;
    if (!ParseRest(i, host_end, &url_end, &has_rest)) return false;
    // "http:example.com" only when the host alone would be a bare link.
    if (sep == Sep::kColonOnly && !check.ipv4 && !has_rest &&
        !BareHostAcceptable(host_start, host_end, check)) {
      return false;
    }

    link->kind = check.ipv4 ? LinkKind::kIpAddress : LinkKind::kUrl;
    if (obfuscated || sep != Sep::kFull) {
      std::string canonical =
          obfuscated ? (scheme.back() == 's' ? "https" : "http") : std::string(scheme);
      link->url = canonical + "://" + std::string(t_.substr(host_start, url_end - host_start));
    } else {
      link->url = std::string(t_.substr(i, url_end - i));
    }
    Fill(i, url_end, host_start, host_end, obfuscated || sep != Sep::kFull, link);
    *end = url_end;
    return true;
  }

  // Characters before a "www." or bare host that make it part of something
  // else: a path, an e-mail address, a hashtag, a mention, a price.
  bool BlockedBefore(size_t i, char32_t prev) const {
    switch (prev) {
      case '.':
      case '-':
      case '@':
      case '#':
      case '$':
      case '%':
      case '&':
      case '=':
      case '+':
      case '~':
      case '\\':
      case '_':
        return true;
      case '/':
        // "//example.com" (protocol-relative) counts; "a/example.com" does not.
        if (i < 2 || t_[i - 2] != '/') return true;
        return i > 2 &&
               (IsAsciiAlnum(static_cast<unsigned char>(t_[i - 3])) ||
                std::string_view(":/_-.@#$%&=+~\\").find(t_[i - 3]) != std::string_view::npos);
      default:
        return false;
    }
  }

  bool TryWww(size_t i, char32_t prev, Link* link, size_t* end) const {
    if (!StartsWith(t_, i, "www.") || BlockedBefore(i, prev)) return false;
    HostCheck check;
    const size_t host_end = FindHost(i, true, &check, [](const HostCheck& c) {
      return c.syntax_ok && !c.ipv4 && c.labels >= 3 && c.suffix_labels > 0 &&
             c.labels > c.suffix_labels;
    });
    if (host_end == 0) return false;
    size_t url_end;
    bool has_rest;
    if (!ParseRest(i, host_end, &url_end, &has_rest)) return false;
    if (host_end < t_.size() && t_[host_end] == '@') return false;
    link->kind = LinkKind::kWww;
    link->url = std::string(t_.substr(i, url_end - i));
    Fill(i, url_end, i, host_end, false, link);
    *end = url_end;
    return true;
  }

  // local@domain. The local part is ASCII (what people type in comments);
  // the domain needs a real public suffix.
  bool TryEmail(size_t i, char32_t prev, Link* link, size_t* end) const {
    if (BlockedBefore(i, prev)) return false;
    size_t at = i;
    while (at < t_.size() && at - i <= 64) {
      const auto c = static_cast<unsigned char>(t_[at]);
      if (!(IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-')) break;
      ++at;
    }
    if (at == i || at >= t_.size() || t_[at] != '@' || at - i > 64 || t_[at - 1] == '.') {
      return false;
    }
    HostCheck check;
    const size_t host_end = FindHost(at + 1, false, &check, [](const HostCheck& c) {
      return c.syntax_ok && !c.ipv4 && c.labels >= 2 && c.suffix_labels > 0 &&
             c.labels > c.suffix_labels;
    });
    if (host_end == 0 || (host_end < t_.size() && t_[host_end] == '@')) return false;
    link->kind = LinkKind::kEmail;
    link->url = std::string(t_.substr(i, host_end - i));
    Fill(i, host_end, at + 1, host_end, false, link);
    *end = host_end;
    return true;
  }

  // A bare host without anything after it: the strict rules (see top).
  bool BareHostAcceptable(size_t host_start, size_t host_end, const HostCheck& check) const {
    const std::string_view host = t_.substr(host_start, host_end - host_start);
    if (InSet(kShortenerSet, host)) return true;
    const bool curated = InSet(kBareSuffixSet, check.tld);
    if (!curated) {
      // Any other ICANN TLD (".us", ".it", ".news": spam moves to whatever
      // is cheap) counts when it is not a unit or file extension and the
      // label in front of the public suffix looks registered, not like a
      // word run into the next sentence ("no.so", "this.is").
      if (InSet(kProseSuffixSet, check.tld) || check.suffix_labels <= 0 ||
          check.labels <= check.suffix_labels) {
        return false;
      }
      size_t label_end = host.size();
      for (int i = 0; i < check.suffix_labels; ++i) label_end = host.rfind('.', label_end - 1);
      const size_t label_begin = host.rfind('.', label_end - 1);
      const std::string_view label = host.substr(
          label_begin == std::string_view::npos ? 0 : label_begin + 1,
          label_begin == std::string_view::npos ? label_end : label_end - label_begin - 1);
      // ".it" and ".us" are words too ("made.it"): a longer label.
      const size_t min_label = check.tld == "it" || check.tld == "us" ? 5 : 4;
      if (label.size() < min_label || InSet(kProseLabelSet, label)) return false;
    }
    if (original_.empty()) return true;
    // "Mr.Kim", "in Korea.It": Title-case after the last dot in the original
    // is a sentence run together, unless the suffix is no word ("Casino.Com").
    const size_t tld_start = host_end - check.tld.size();
    const uint32_t fb = view_.FoldedBegin(tld_start);
    const uint32_t fe = view_.FoldedEnd(host_end);
    if (fb >= fe || fe > folded_.size()) return true;
    const Span span = folded_.ToOriginal(fb, fe);
    if (span.end > original_.size() || span.begin >= span.end) return true;
    return !IsTitleCase(original_.substr(span.begin, span.end - span.begin)) ||
           InSet(kNonWordSuffixSet, check.tld);
  }

  bool TryBare(size_t i, char32_t prev, Link* link, size_t* end) const {
    if (BlockedBefore(i, prev)) return false;
    HostCheck check;
    const size_t host_end = FindHost(i, false, &check, [](const HostCheck& c) {
      return c.syntax_ok && c.labels >= 2 &&
             (c.ipv4 || (c.suffix_labels > 0 && c.labels > c.suffix_labels));
    });
    if (host_end == 0) return false;
    if (host_end < t_.size() && t_[host_end] == '@') return false;  // e-mail
    size_t url_end;
    bool has_rest;
    if (!ParseRest(i, host_end, &url_end, &has_rest)) return false;
    if (check.ipv4) {
      if (!has_rest) return false;  // "1.2.3.4" alone may be a version
      link->kind = LinkKind::kIpAddress;
    } else {
      if (!has_rest && !BareHostAcceptable(i, host_end, check)) return false;
      link->kind = LinkKind::kBareDomain;
    }
    link->url = std::string(t_.substr(i, url_end - i));
    Fill(i, url_end, i, host_end, false, link);
    *end = url_end;
    return true;
  }

  void Fill(size_t b, size_t e, size_t host_b, size_t host_e, bool disguised, Link* link) const {
    link->host = std::string(t_.substr(host_b, host_e - host_b));
    for (char& c : link->host) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    const uint32_t fb = view_.FoldedBegin(b);
    const uint32_t fe = view_.FoldedEnd(e);
    link->span = folded_.ToOriginal(fb, fe);
    link->disguised = disguised || view_.AnyDisguised(b, e) || FoldingChanged(link->span, fb, fe);
    std::string_view host = link->host;
    if (host.substr(0, 4) == "www.") host.remove_prefix(4);
    link->shortener = InSet(kShortenerSet, host);
  }

  // True when the writer's bytes differ from the folded ones by more than
  // ASCII case: fullwidth letters, zero-width characters, homoglyphs.
  bool FoldingChanged(const Span& span, uint32_t fb, uint32_t fe) const {
    if (span.size() != fe - fb) return true;
    if (original_.empty() || span.end > original_.size()) return false;
    const std::string_view folded = std::string_view(folded_.text()).substr(fb, fe - fb);
    for (size_t k = 0; k < folded.size(); ++k) {
      char c = original_[span.begin + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != folded[k]) return true;
    }
    return false;
  }

  const SuffixList& state_;
  const NormalizedText& folded_;
  std::string_view original_;
  const View& view_;
  std::string_view t_;
};

// ---------------------------------------------------------------------------
// Bidi overrides
//
// A right-to-left override (U+202E) makes every character up to the matching
// pop (U+202C), the end of the paragraph or the end of the text display
// right to left, Latin letters too: "\u202Emoc.onisac\u202C" shows as
// "casino.com". The folded view has already dropped the controls (they are
// default-ignorable); the finder reads a copy of it in which each such run
// is reversed, code point by code point, each keeping its own original span,
// so a link found there points at exactly the characters that display as it.
// Nested embeddings inside an override are counted so the right pop ends it;
// isolates (U+2066-2069) and marks (U+200E/F) do not reorder Latin letters.

bool IsBidiControl(char32_t c) {
  return c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// Original byte ranges that display reversed.
std::vector<Span> OverrideRuns(std::string_view original) {
  std::vector<Span> runs;
  if (original.find("\u202E") == std::string_view::npos) return runs;
  size_t pos = 0;
  size_t run_begin = 0;
  int depth = 0;  // embeddings and overrides open inside the current run, itself included
  while (pos < original.size()) {
    const auto [c, len, valid] = DecodeAt(original, pos);
    const bool paragraph_end = c == '\n' || c == '\r' || c == 0x2029;
    if (depth == 0) {
      if (c == 0x202E) {
        depth = 1;
        run_begin = pos + len;
      }
    } else if (c == 0x202A || c == 0x202B || c == 0x202D || c == 0x202E) {
      ++depth;
    } else if ((c == 0x202C && --depth == 0) || paragraph_end) {
      if (pos > run_begin)
        runs.push_back(Span{static_cast<uint32_t>(run_begin), static_cast<uint32_t>(pos)});
      depth = 0;
    }
    pos += len;
  }
  if (depth > 0 && original.size() > run_begin) {
    runs.push_back(Span{static_cast<uint32_t>(run_begin), static_cast<uint32_t>(original.size())});
  }
  return runs;
}

// `folded` with the code points inside `runs` in display order.
NormalizedText Reorder(const NormalizedText& folded, const std::vector<Span>& runs) {
  const std::string_view s = folded.text();
  NormalizedText out;
  out.Reserve(s.size());
  // Runs are sorted and the folded view keeps the original order, so one
  // index walks forward with the text (linear, however many runs).
  size_t next_run = 0;
  const auto run_of = [&](uint32_t begin) -> int {
    while (next_run < runs.size() && runs[next_run].end <= begin) ++next_run;
    if (next_run < runs.size() && begin >= runs[next_run].begin) return static_cast<int>(next_run);
    return -1;
  };
  struct Piece {
    size_t begin, end;
  };
  std::vector<Piece> pending;  // code points of the current run, in stored order
  int pending_run = -1;
  const auto flush = [&] {
    for (auto it = pending.rbegin(); it != pending.rend(); ++it) {
      out.Append(s.substr(it->begin, it->end - it->begin), folded.ToOriginal(it->begin, it->end));
    }
    pending.clear();
  };
  for (size_t i = 0; i < s.size();) {
    const size_t len = DecodeAt(s, i).len;
    const int run = run_of(folded.ToOriginal(i, i + len).begin);
    if (run != pending_run) flush();
    pending_run = run;
    if (run >= 0) {
      pending.push_back(Piece{i, i + len});
    } else {
      out.Append(s.substr(i, len), folded.ToOriginal(i, i + len));
    }
    i += len;
  }
  flush();
  return out;
}

// True when original bytes [span) hold a bidi control or overlap a run.
bool TouchesBidi(std::string_view original, Span span, const std::vector<Span>& runs) {
  for (const Span& run : runs) {
    if (span.begin < run.end && run.begin < span.end) return true;
  }
  // A control right before or after the link also decides how it displays.
  size_t pos = span.begin >= 3 ? span.begin - 3 : 0;
  const size_t end = std::min<size_t>(original.size(), span.end + 3);
  while (pos < end) {
    const CodePoint cp = DecodeAt(original, pos);
    if (IsBidiControl(cp.c)) return true;
    pos += cp.len;
  }
  return false;
}

}  // namespace

struct LinkFinder::State {
  psl_ctx_t* owned_psl = nullptr;  // psl_latest()'s context; psl_builtin()'s is static
  SuffixList suffixes{nullptr};

  State() = default;
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() {
    if (owned_psl != nullptr) psl_free(owned_psl);
  }
};

base::Result<LinkFinder> LinkFinder::Create() {
  auto state = std::make_unique<State>();
  // The system's list when present (it is updated with the OS), else the
  // copy compiled into libpsl.
  state->owned_psl = psl_latest(nullptr);
  state->suffixes = SuffixList(state->owned_psl != nullptr ? state->owned_psl : psl_builtin());
  if (state->suffixes.psl == nullptr) {
    return base::InternalError(
        "LinkFinder: no public suffix list (psl_latest and psl_builtin failed)");
  }
  return LinkFinder(std::move(state));
}

LinkFinder::LinkFinder(std::unique_ptr<const State> state) : state_(std::move(state)) {}
LinkFinder::LinkFinder(LinkFinder&&) noexcept = default;
LinkFinder& LinkFinder::operator=(LinkFinder&&) noexcept = default;
LinkFinder::~LinkFinder() = default;

std::vector<Link> LinkFinder::Find(const NormalizedText& folded) const {
  return Find(folded, std::string_view());
}

std::vector<Link> LinkFinder::Find(const NormalizedText& folded, std::string_view original) const {
  if (folded.empty()) return {};
  const std::vector<Span> runs = OverrideRuns(original);
  if (runs.empty()) {
    const View view = Undisguise(folded, original);
    std::vector<Link> links = Scan(state_->suffixes, folded, original, view).Run();
    if (original.find("\xE2\x80") != std::string_view::npos ||
        original.find("\xE2\x81") != std::string_view::npos) {
      for (Link& link : links) {
        if (TouchesBidi(original, link.span, runs)) link.bidi = link.disguised = true;
      }
    }
    return links;
  }
  const NormalizedText reordered = Reorder(folded, runs);
  const View view = Undisguise(reordered, original);
  std::vector<Link> links = Scan(state_->suffixes, reordered, original, view).Run();
  for (Link& link : links) {
    if (!TouchesBidi(original, link.span, runs)) continue;
    link.bidi = link.disguised = true;
    // A span is computed from the link's first and last byte, which in a
    // reversed run are not its outermost ones: widen it to every run it
    // touches, so that it covers all it was read from.
    for (const Span& run : runs) {
      if (link.span.begin < run.end && run.begin < link.span.end) {
        link.span.begin = std::min(link.span.begin, run.begin);
        link.span.end = std::max(link.span.end, run.end);
      }
    }
  }
  // Reversing may have put links out of order, and widened spans may meet:
  // keep them ordered and apart (the first of two overlapping links stays).
  std::stable_sort(links.begin(), links.end(),
                   [](const Link& a, const Link& b) { return a.span.begin < b.span.begin; });
  std::vector<Link> apart;
  apart.reserve(links.size());
  for (Link& link : links) {
    if (!apart.empty() && link.span.begin < apart.back().span.end) continue;
    apart.push_back(std::move(link));
  }
  return apart;
}

}  // namespace commentd::text

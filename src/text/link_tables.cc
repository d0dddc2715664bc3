#include "text/link_tables.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace commentd::text::links {
namespace {

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

}  // namespace

bool IsBareSuffix(std::string_view tld) { return InSet(kBareSuffixSet, tld); }
bool IsShortener(std::string_view host) { return InSet(kShortenerSet, host); }
bool IsProseSuffix(std::string_view tld) { return InSet(kProseSuffixSet, tld); }
bool IsProseLabel(std::string_view label) { return InSet(kProseLabelSet, label); }
bool IsNonWordSuffix(std::string_view tld) { return InSet(kNonWordSuffixSet, tld); }
bool IsKnownScheme(std::string_view scheme) { return InSet(kKnownSchemeSet, scheme); }
bool IsDotWordStopword(std::string_view word) { return InSet(kDotWordStopwordSet, word); }
bool IsDotComEraWord(std::string_view word) { return InSet(kDotComEraWordSet, word); }

}  // namespace commentd::text::links

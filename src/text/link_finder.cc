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

#include "text/link_bidi.h"
#include "text/link_chars.h"
#include "text/link_disguise.h"
#include "text/link_hosts.h"
#include "text/link_tables.h"
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
//    suffix from kBareSuffixes (link_tables.cc) (commonly abused or well-known suffixes;
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

namespace links {
namespace {

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
    const bool known = IsKnownScheme(scheme);
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
    if (IsShortener(host)) return true;
    const bool curated = IsBareSuffix(check.tld);
    if (!curated) {
      // Any other ICANN TLD (".us", ".it", ".news": spam moves to whatever
      // is cheap) counts when it is not a unit or file extension and the
      // label in front of the public suffix looks registered, not like a
      // word run into the next sentence ("no.so", "this.is").
      if (IsProseSuffix(check.tld) || check.suffix_labels <= 0 ||
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
      if (label.size() < min_label || IsProseLabel(label)) return false;
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
           IsNonWordSuffix(check.tld);
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
    link->shortener = IsShortener(host);
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

}  // namespace
}  // namespace links

struct LinkFinder::State {
  psl_ctx_t* owned_psl = nullptr;  // psl_latest()'s context; psl_builtin()'s is static
  links::SuffixList suffixes{nullptr};

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
  state->suffixes =
      links::SuffixList(state->owned_psl != nullptr ? state->owned_psl : psl_builtin());
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
  const std::vector<Span> runs = links::OverrideRuns(original);
  if (runs.empty()) {
    const links::View view = links::Undisguise(folded, original);
    std::vector<Link> links = links::Scan(state_->suffixes, folded, original, view).Run();
    if (original.find("\xE2\x80") != std::string_view::npos ||
        original.find("\xE2\x81") != std::string_view::npos) {
      for (Link& link : links) {
        if (links::TouchesBidi(original, link.span, runs)) link.bidi = link.disguised = true;
      }
    }
    return links;
  }
  const NormalizedText reordered = links::Reorder(folded, runs);
  const links::View view = links::Undisguise(reordered, original);
  std::vector<Link> links = links::Scan(state_->suffixes, reordered, original, view).Run();
  for (Link& link : links) {
    if (!links::TouchesBidi(original, link.span, runs)) continue;
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

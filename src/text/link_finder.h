// LinkFinder: finds links in a folded view, including disguised ones.
//
// Finds URLs with any scheme (and the obfuscated "hxxp", "h**p"), "www."
// hosts, bare domains whose suffix is a real public suffix (libpsl), IP
// address URLs, e-mail addresses (kind kEmail, so a policy can tell them
// apart from web links), and disguises: "example dot com", "example[.]com",
// "example (dot) com", spaced letters ("h t t p s : / /"). Fullwidth letters
// and zero-width characters are already gone in the folded view. Ordinary
// prose is not a link: "U.S.", "e.g.", "Mr.Kim", "3.5 days", "S/2019/171",
// "report.pdf". Text inside a right-to-left override (U+202E) is read in
// the order it displays ("moc.elpmaxe" shows as "example.com"). Hosts are
// parsed as browsers do (WHATWG URL): for http(s), ws(s), ftp and file a
// backslash ends the authority like "/", and IPv6 literals ("[2001:db8::1]")
// are hosts.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "text/normalizer.h"
#include "text/span.h"

namespace commentd::text {

enum class LinkKind {
  kUrl,         // scheme://...
  kWww,         // www.host...
  kBareDomain,  // example.com, example.co.kr/path
  kIpAddress,   // 1.2.3.4 with a scheme, port or path
  kEmail,       // name@example.com (host is the domain): contact details, not a web link
};

// Stable names for logs and JSON: "url", "www", "bare_domain", "ip_address", "email".
std::string_view LinkKindName(LinkKind kind);

struct Link {
  Span span;         // in the original text
  std::string url;   // as found, in folded form with disguises undone: "http://example.com/x"
  std::string host;  // lower-case host without port: "example.com"
  LinkKind kind = LinkKind::kUrl;
  bool disguised = false;  // written with "dot", "[.]", "hxxp", spaced letters, fullwidth,
                           // zero-width or homoglyph characters (not: upper case)
  bool shortener = false;  // bit.ly, t.co, ...
  bool bidi = false;       // bidi controls in or around it: written reversed inside a
                           // right-to-left override (U+202E) to display as a link, or
                           // with embeddings/isolates/marks inside (also sets disguised)
};

// Immutable after Create; Thread-safe.
class LinkFinder {
 public:
  // Loads the public suffix list (the system's, else libpsl's built-in copy).
  // kInternal when neither can be loaded.
  static base::Result<LinkFinder> Create();

  LinkFinder(LinkFinder&&) noexcept;
  LinkFinder& operator=(LinkFinder&&) noexcept;
  ~LinkFinder();

  // Links in `folded`, ordered by span, not overlapping. Spans point into
  // the original text `folded` was made from.
  std::vector<Link> Find(const NormalizedText& folded) const;

  // Same, also reading `original` (the exact text given to Normalizer::Fold)
  // where case matters: a bare domain written Title-case after its last dot
  // ("Mr.Kim", "in Korea.It") is prose, not a link. Prefer this overload.
  std::vector<Link> Find(const NormalizedText& folded, std::string_view original) const;

 private:
  struct State;
  explicit LinkFinder(std::unique_ptr<const State> state);
  std::unique_ptr<const State> state_;
};

}  // namespace commentd::text

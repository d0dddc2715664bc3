// The word and suffix tables of the link finder: which suffixes make a bare
// domain a link, which hosts are shorteners, which schemes are real, and the
// prose words that keep "U.S." or "the dot com era" from being links. Each
// table is sorted at compile time and searched by binary search. Internal to
// the link finder (link_*.cc). Thread-safe (constant data).
#pragma once

#include <string_view>

namespace commentd::text::links {

// A suffix that makes a bare domain without a path a link (kBareSuffixes).
bool IsBareSuffix(std::string_view tld);
// A URL shortener or link-redirect host: a link even bare.
bool IsShortener(std::string_view host);
// A public suffix that ends ordinary words in prose written without a space.
bool IsProseSuffix(std::string_view tld);
// A word that, before a dot, is prose rather than a registrable label.
bool IsProseLabel(std::string_view label);
// A suffix that is no English word: Title-case after the dot is still a link.
bool IsNonWordSuffix(std::string_view tld);
// A real scheme: after it with "://" any well-formed host is a link.
bool IsKnownScheme(std::string_view scheme);
// A word in front of " dot " that makes it prose ("the dot com bubble").
bool IsDotWordStopword(std::string_view word);
// A word after "dot com" that makes it the era, not a domain.
bool IsDotComEraWord(std::string_view word);

}  // namespace commentd::text::links

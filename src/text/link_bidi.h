// Bidi overrides for the link finder.
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
#pragma once

#include <string_view>
#include <vector>

#include "text/normalizer.h"
#include "text/span.h"

namespace commentd::text::links {

// Original byte ranges that display reversed; empty when there is no
// override (U+202E).
std::vector<Span> OverrideRuns(std::string_view original);

// `folded` with each run of `runs` reversed code point by code point, each
// keeping its own original span.
NormalizedText Reorder(const NormalizedText& folded, const std::vector<Span>& runs);

// True when original bytes [span) hold a bidi control or overlap a run.
bool TouchesBidi(std::string_view original, Span span, const std::vector<Span>& runs);

}  // namespace commentd::text::links

// The phone-number scanner of the ad detector.
//
// A hand-written scanner: a regex cannot say "11 digits starting 13-19 but
// not 13,000,000,000 dollars". It reads a cluster of digit groups (joined by
// ' ', '-', '.', with an optional '+' and parenthesized area code), then
// takes from it the longest runs of groups, split at spaces, whose digits
// and grouping fit a numbering plan of one of the markets (Korea, China,
// Japan, North America, the UK for the SMS corpus). Everything else made of
// digits in news comments (dates, years, ranges, resolution and document
// numbers, money, decimals, lists of years) has too few or too many digits,
// is cut by '/' or ',', follows a currency sign, precedes a unit, or is
// rejected explicitly.
#pragma once

#include <string_view>
#include <vector>

#include "moderation/ad_kinds.h"
#include "text/normalizer.h"

namespace commentd::moderation::ads {

// Appends a kPhoneNumber Candidate for every phone number in `s`, the text
// of the folded view `view` (spans map through it to the original). The same
// digits twice share a key. Thread-safe (a pure function).
void ScanPhones(std::string_view s, std::vector<Candidate>* out, const text::NormalizedText& view);

}  // namespace commentd::moderation::ads

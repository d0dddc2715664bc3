// The kinds of ad signal, their weights and caps, and the Candidate finding
// each ad scanner reports (phone numbers, repetition, phrase patterns,
// shouting) before AdDetector applies overlaps, repeats and caps. Internal
// to the ad detector: include it only from ad_* files.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "text/span.h"

namespace commentd::moderation::ads {

// The policy deletes at 1.0 and holds at 0.6. The weights are set so that:
//  - a few self-promotion calls have no reading but an ad ("subscribe to
//    my channel", "sub4sub", "claim your prize"): 0.6, held on their own;
//  - one strong signal alone (a contact handle, a phone number, a casino
//    keyword, a money call) is 0.5: under the hold threshold, because each of
//    them also occurs in honest news comments ("North Korea earns foreign
//    currency from casinos", a hotline number, "DM me" in a joke);
//  - two strong signals of different kinds reach 1.0: the shape of an ad is
//    a lure plus a way to reach the seller;
//  - medium (0.35) and weak (0.2) keywords are words with an everyday news
//    meaning ("loan", "대출", "贷款", "betting") that only tip a comment over
//    when something else is there;
//  - the same finding repeated counts once, and each kind is capped. Calls
//    to action and contact handles address the reader, so two different
//    ones ("you have won ... claim your prize", "카톡 ... 텔레 ...") are an
//    ad on their own (cap 1.0). Keywords name a topic a news comment may
//    discuss (casinos in Macau, loans from China) and phone numbers may be
//    hotlines: alone they can at most have a comment held (0.8 and 0.5);
//  - repetition and shouting are style, not content: 0.2 each, capped at 0.2;
//  - the per-language tables (lexicons/ads/{en,ko,zh,ja}.tsv) name a
//    category with each entry: an *offer* (offer:income, offer:loan, ...)
//    or a *contact channel* (contact:messenger, contact:bio, ...). Offers
//    are capped at 0.8 like keywords (two offer words are still a topic a
//    news comment may discuss), contacts at 0.5 (私信 or "DM me" twice is
//    a conversation; it takes an offer to make it an ad);
//  - contact x offer: a contact channel and an offer in one comment are the
//    shape of an ad, so when one of them is strong and the other at least
//    medium the comment reaches 1.0 (kContactTimesOffer tops the score up).
//    Weak offers ("loan", "casino", "visa", "jobs": everyday news words)
//    never combine, and a phone number combines only with a strong offer (a
//    ministry's hotline next to "loan fraud" is news).
constexpr double kDecisive = 0.6;
constexpr double kStrong = 0.5;
constexpr double kMedium = 0.35;
constexpr double kWeak = 0.2;

enum class Kind : uint8_t {
  kContactHandle,
  kPhoneNumber,
  kMoneyCall,
  kSpamKeyword,
  kRepetition,
  kShouting,
  kContact,            // a per-language table's contact:<category> entry
  kOffer,              // ... offer:<category> entry
  kContactTimesOffer,  // the top-up of a contact plus an offer (AdDetector)
};
constexpr size_t kKindCount = 9;

// Signal names; a table entry reports its category instead
// ("offer:loan", "contact:messenger").
constexpr std::array<std::string_view, kKindCount> kKindNames = {
    "contact_handle", "phone_number", "money_call", "spam_keyword",   "repetition",
    "shouting",       "contact",      "offer",      "contact_x_offer"};
constexpr std::array<double, kKindCount> kKindCaps = {1.0, 0.5, 1.0, 0.8, 0.2, 0.2, 1.0, 0.8, 1.0};

// Which findings compete for the same span: a table's contact entry and a
// contact handle pattern that match the same text count once, and so does
// a table's offer overlapping a money call or keyword (money calls and
// keywords still count both, as before). Phone numbers stay apart (a
// handle and the number after it are two findings, as before).
enum class Family : uint8_t { kContact, kPhone, kOffer, kStyle, kCombination };
constexpr Family FamilyOf(Kind kind) {
  switch (kind) {
    case Kind::kContactHandle:
    case Kind::kContact:
      return Family::kContact;
    case Kind::kPhoneNumber:
      return Family::kPhone;
    case Kind::kMoneyCall:
    case Kind::kSpamKeyword:
    case Kind::kOffer:
      return Family::kOffer;
    case Kind::kRepetition:
    case Kind::kShouting:
      return Family::kStyle;
    case Kind::kContactTimesOffer:
      return Family::kCombination;
  }
  return Family::kStyle;
}

// The kind of a signal, by its name ("contact_handle"); false when unknown.
constexpr bool ParseKind(std::string_view name, Kind* kind) {
  for (size_t k = 0; k < kKindCount; ++k) {
    if (kKindNames[k] == name) {
      *kind = static_cast<Kind>(k);
      return true;
    }
  }
  return false;
}

// A per-language table's kind (lexicons/ads/{en,ko,zh,ja}.tsv).
constexpr bool IsTableKind(Kind kind) { return kind == Kind::kContact || kind == Kind::kOffer; }

// A finding before overlaps, repeats and caps are applied.
struct Candidate {
  Kind kind;
  double weight;
  uint64_t key;  // the same key twice counts once
  text::Span span;
  // The category a table entry names ("offer:loan"); empty for the other
  // patterns, which report kKindNames. Points into the AdPatterns that
  // found it, which outlives the scan.
  std::string_view label = {};
};

}  // namespace commentd::moderation::ads

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
//  - repetition and shouting are style, not content: 0.2 each, capped at 0.2.
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
};
constexpr size_t kKindCount = 6;

constexpr std::array<std::string_view, kKindCount> kKindNames = {
    "contact_handle", "phone_number", "money_call", "spam_keyword", "repetition", "shouting"};
constexpr std::array<double, kKindCount> kKindCaps = {1.0, 0.5, 1.0, 0.8, 0.2, 0.2};

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

// A finding before overlaps, repeats and caps are applied.
struct Candidate {
  Kind kind;
  double weight;
  uint64_t key;  // the same key twice counts once
  text::Span span;
};

}  // namespace commentd::moderation::ads

// The repetition scanner of the ad detector.
//
// Spam stretches attention marks ("$$$$", "!!!!!!!!", "👉👉👉👉") and
// repeats its slogan ("加微信加微信加微信加微信", "buy buy buy buy"). Writers
// repeat too, harmlessly: Korean laughter ㅋㅋㅋㅋ / ㅎㅎㅎ and crying ㅠㅠㅠ
// (jamo), Chinese 哈哈哈 and the cheer 666666 / 888 (digits), Japanese
// wwww, "hahaha", "lololol", "soooo". So single repeated letters, digits,
// jamo and two-letter Latin chunks are never counted.
#pragma once

#include <vector>

#include "moderation/ad_kinds.h"
#include "text/normalizer.h"

namespace commentd::moderation::ads {

// Appends a kRepetition Candidate (weight kWeak, each its own key) for every
// repeated mark, chunk or word of the folded view `view`; spans point into
// the original text. Thread-safe (a pure function).
void ScanRepetition(const text::NormalizedText& view, std::vector<Candidate>* out);

}  // namespace commentd::moderation::ads

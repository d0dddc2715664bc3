// PhraseMatcher: finds many literal phrases at once in a normalized view, in
// one pass over the text (Vectorscan literal matching).
//
// Stretched letters are part of the contract: a phrase matches where the text
// has each of the phrase's letters at least as many times in a row as the
// phrase does, so "fuuuuck" matches "fuck" while "as" does not match "ass".
// Literal databases compile in milliseconds, unlike regular expressions with
// repetition, which is why the detectors use this instead of regex patterns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace commentd::text {

// Immutable after Create; Thread-safe (scratch space is pooled internally).
class PhraseMatcher {
 public:
  struct Match {
    uint32_t id;     // index of the phrase in the vector given to Create
    uint32_t begin;  // byte offsets in the searched text
    uint32_t end;
  };

  // `phrases` are valid UTF-8, already in the form of the view they will be
  // searched in. kInvalidArgument naming the phrase when one is empty.
  static base::Result<PhraseMatcher> Create(const std::vector<std::string>& phrases);

  PhraseMatcher(PhraseMatcher&&) noexcept;
  PhraseMatcher& operator=(PhraseMatcher&&) noexcept;
  ~PhraseMatcher();

  // Every match of every phrase in `text` (valid UTF-8), overlapping ones
  // included, ordered by begin then end.
  std::vector<Match> FindAll(std::string_view text) const;

 private:
  struct State;
  explicit PhraseMatcher(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace commentd::text

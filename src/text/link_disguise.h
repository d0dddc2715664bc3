// The undisguise pass of the link finder: a view of the folded text in
// which the disguises writers use to slip a link past a filter are undone
// ("example dot com", "example [.] com", "example (dot) com",
// "example . com", "example。com", "example닷컴", "example点com", spaced
// letters "e x a m p l e . c o m"). Each byte of the view remembers the
// folded bytes it came from and whether a disguise wrote it. Internal to the
// link finder (link_*.cc).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/normalizer.h"

namespace commentd::text::links {

// The text the scan reads, and for each of its bytes the folded bytes it came
// from. Owned by one thread.
class View {
 public:
  explicit View(std::string_view folded) : folded_(folded) {}

  std::string_view text() const { return materialized_ ? std::string_view(text_) : folded_; }

  // Folded range of view bytes [b, e); b < e.
  uint32_t FoldedBegin(size_t b) const { return materialized_ ? from_begin_[b] : b; }
  uint32_t FoldedEnd(size_t e) const { return materialized_ ? from_end_[e - 1] : e; }
  bool AnyDisguised(size_t b, size_t e) const {
    if (!materialized_) return false;
    return std::any_of(disguised_.begin() + b, disguised_.begin() + e, [](bool d) { return d; });
  }

  // Replaces folded bytes [b, e) with `repl`; everything up to b is copied
  // unchanged. Calls come in increasing order of b.
  void Replace(size_t b, size_t e, std::string_view repl) {
    if (!materialized_) {
      materialized_ = true;
      text_.reserve(folded_.size());
      from_begin_.reserve(folded_.size());
      from_end_.reserve(folded_.size());
      disguised_.reserve(folded_.size());
    }
    CopyUpTo(b);
    for (char c : repl) Push(c, b, e, true);
    copied_ = e;
  }

  void Finish() {
    if (materialized_) CopyUpTo(folded_.size());
  }

 private:
  void Push(char c, size_t b, size_t e, bool disguised) {
    text_.push_back(c);
    from_begin_.push_back(static_cast<uint32_t>(b));
    from_end_.push_back(static_cast<uint32_t>(e));
    disguised_.push_back(disguised);
  }
  void CopyUpTo(size_t b) {
    for (; copied_ < b; ++copied_) Push(folded_[copied_], copied_, copied_ + 1, false);
  }

  std::string_view folded_;
  bool materialized_ = false;
  size_t copied_ = 0;
  std::string text_;
  std::vector<uint32_t> from_begin_;
  std::vector<uint32_t> from_end_;
  std::vector<bool> disguised_;
};

// Builds the view with disguises undone. `original` may be empty (then the
// Title-case test for " . " is skipped).
// `folded` must outlive the returned View. Thread-safe (a pure function).
View Undisguise(const NormalizedText& folded, std::string_view original);

}  // namespace commentd::text::links

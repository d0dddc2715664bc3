// Span: a byte range [begin, end) in the writer's original UTF-8 text. Every
// finding commentd reports (link, word, ad signal) carries one, so the writer
// and the moderator see exactly what they typed.
#pragma once

#include <cstdint>

namespace commentd::text {

struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;

  uint32_t size() const { return end - begin; }
  bool Contains(const Span& other) const { return begin <= other.begin && other.end <= end; }
  bool Overlaps(const Span& other) const { return begin < other.end && other.begin < end; }
  friend bool operator==(const Span&, const Span&) = default;
};

}  // namespace commentd::text

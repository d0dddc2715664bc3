#include "text/link_bidi.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "text/utf8.h"

namespace commentd::text::links {
namespace {

bool IsBidiControl(char32_t c) {
  return c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

}  // namespace

// Original byte ranges that display reversed.
std::vector<Span> OverrideRuns(std::string_view original) {
  std::vector<Span> runs;
  if (original.find("\u202E") == std::string_view::npos) return runs;
  size_t pos = 0;
  size_t run_begin = 0;
  int depth = 0;  // embeddings and overrides open inside the current run, itself included
  while (pos < original.size()) {
    const auto [c, len, valid] = DecodeAt(original, pos);
    const bool paragraph_end = c == '\n' || c == '\r' || c == 0x2029;
    if (depth == 0) {
      if (c == 0x202E) {
        depth = 1;
        run_begin = pos + len;
      }
    } else if (c == 0x202A || c == 0x202B || c == 0x202D || c == 0x202E) {
      ++depth;
    } else if ((c == 0x202C && --depth == 0) || paragraph_end) {
      if (pos > run_begin)
        runs.push_back(Span{static_cast<uint32_t>(run_begin), static_cast<uint32_t>(pos)});
      depth = 0;
    }
    pos += len;
  }
  if (depth > 0 && original.size() > run_begin) {
    runs.push_back(Span{static_cast<uint32_t>(run_begin), static_cast<uint32_t>(original.size())});
  }
  return runs;
}

// `folded` with the code points inside `runs` in display order.
NormalizedText Reorder(const NormalizedText& folded, const std::vector<Span>& runs) {
  const std::string_view s = folded.text();
  NormalizedText out;
  out.Reserve(s.size());
  // Runs are sorted and the folded view keeps the original order, so one
  // index walks forward with the text (linear, however many runs).
  size_t next_run = 0;
  const auto run_of = [&](uint32_t begin) -> int {
    while (next_run < runs.size() && runs[next_run].end <= begin) ++next_run;
    if (next_run < runs.size() && begin >= runs[next_run].begin) return static_cast<int>(next_run);
    return -1;
  };
  struct Piece {
    size_t begin, end;
  };
  std::vector<Piece> pending;  // code points of the current run, in stored order
  int pending_run = -1;
  const auto flush = [&] {
    for (auto it = pending.rbegin(); it != pending.rend(); ++it) {
      out.Append(s.substr(it->begin, it->end - it->begin), folded.ToOriginal(it->begin, it->end));
    }
    pending.clear();
  };
  for (size_t i = 0; i < s.size();) {
    const size_t len = DecodeAt(s, i).len;
    const int run = run_of(folded.ToOriginal(i, i + len).begin);
    if (run != pending_run) flush();
    pending_run = run;
    if (run >= 0) {
      pending.push_back(Piece{i, i + len});
    } else {
      out.Append(s.substr(i, len), folded.ToOriginal(i, i + len));
    }
    i += len;
  }
  flush();
  return out;
}

// True when original bytes [span) hold a bidi control or overlap a run.
bool TouchesBidi(std::string_view original, Span span, const std::vector<Span>& runs) {
  for (const Span& run : runs) {
    if (span.begin < run.end && run.begin < span.end) return true;
  }
  // A control right before or after the link also decides how it displays.
  size_t pos = span.begin >= 3 ? span.begin - 3 : 0;
  const size_t end = std::min<size_t>(original.size(), span.end + 3);
  while (pos < end) {
    const CodePoint cp = DecodeAt(original, pos);
    if (IsBidiControl(cp.c)) return true;
    pos += cp.len;
  }
  return false;
}

}  // namespace commentd::text::links

#include "moderation/ad_repetition_scanner.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "text/script.h"
#include "text/utf8.h"

namespace commentd::moderation::ads {
namespace {

bool IsSpaceCp(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
// A letter that makes a chunk a word: Latin, Hangul syllables, Kana, Han.
bool IsWordCp(char32_t c) {
  return text::IsLatin(c) || text::IsHangulSyllable(c) || text::IsKana(c) || text::IsHan(c);
}

// Minimum run length of a repeated mark, or 0 when the mark is not counted.
size_t MarkRunThreshold(char32_t c) {
  switch (c) {
    case '$':
    case U'€':
    case U'£':
    case U'¥':
    case U'₩':
    case U'💰':
    case U'💵':
    case U'💸':
    case U'🤑':
    case U'💲':
      return 4;
    case U'★':
    case U'☆':
    case U'✅':
    case U'✔':
    case U'👉':
    case U'➡':
    case U'☎':
    case U'📞':
    case U'✨':
      return 5;
    case '!':
    case '?':
      return 8;
    default:
      return 0;
  }
}

// Whether chunk c[0, len) may count as a repeated slogan (see above).
template <typename Ch>
bool CountableChunk(const Ch* c, size_t len) {
  // "haha" is "ha" twice: judged as the shorter chunk.
  if (len == 4 && c[0] == c[2] && c[1] == c[3]) return false;
  bool all_same = true, has_word = false, all_ascii = true;
  for (size_t k = 0; k < len; ++k) {
    // Jamo laughter, cheers in digits, and emoji codes like "[捂脸]".
    if (text::IsHangulJamo(c[k]) || IsSpaceCp(c[k]) || (c[k] >= '0' && c[k] <= '9') ||
        c[k] == '[' || c[k] == ']') {
      return false;
    }
    all_same &= c[k] == c[0];
    has_word |= IsWordCp(c[k]);
    all_ascii &= c[k] < 0x80;
  }
  return !all_same && has_word && !(all_ascii && len <= 2);
}

// Whether a whitespace-separated word may count when repeated.
template <typename Ch>
bool CountableWord(const Ch* c, size_t len) {
  bool has_word = false, all_ascii = true;
  for (size_t k = 0; k < len; ++k) {
    if (text::IsHangulJamo(c[k]) || (c[k] >= '0' && c[k] <= '9')) return false;
    has_word |= IsWordCp(c[k]);
    all_ascii &= c[k] < 0x80;
  }
  return has_word && (!all_ascii || len >= 3);
}

// Finds repeated marks, chunks and words in c[0, n) (code points, or bytes
// when the text is ASCII) and calls emit(from, to) with indexes into c.
template <typename Ch, typename Emit>
void FindRepetition(const Ch* c, size_t n, Emit&& emit) {
  if (n == 0) return;
  // One pass for runs of one mark and for chunks of 2-4 characters repeated
  // four times or more back to back. At distance d, such a repeat is a
  // stretch of positions k where c[k] == c[k - d]: 3 for a mark run of 4,
  // 3 * d for a chunk of d. The counters update without branches; only the
  // end of a long stretch (rare) takes one.
  size_t run[5] = {0, 0, 0, 0, 0};
  auto close_run = [&](size_t d, size_t k) {  // the stretch at distance d ended before k
    const size_t start = k - run[d] - d;
    if (d == 1) {
      const size_t threshold = MarkRunThreshold(c[start]);
      if (threshold != 0 && k - start >= threshold) emit(start, k);
    } else if (CountableChunk(c + start, d)) {
      emit(start, k);
    }
  };
  auto step = [&](size_t k, size_t d) {
    const size_t r = k >= d && c[k] == c[k - d] ? run[d] + 1 : 0;
    if (r == 0 && run[d] >= (d == 1 ? 3 : 3 * d)) close_run(d, k);
    run[d] = r;
  };
  for (size_t k = 1; k < n; ++k) {
    step(k, 1);
    step(k, 2);
    step(k, 3);
    step(k, 4);
  }
  for (size_t d = 1; d <= 4; ++d) {
    if (run[d] >= (d == 1 ? 3 : 3 * d)) close_run(d, n);
  }
  // The same word four times or more in a row: "buy buy buy buy".
  size_t prev_begin = 0, prev_len = 0, reps = 0, first = 0;
  auto close = [&] {
    if (reps >= 4 && CountableWord(c + prev_begin, prev_len)) emit(first, prev_begin + prev_len);
  };
  auto space = [&](size_t i) { return c[i] <= ' ' && IsSpaceCp(c[i]); };
  for (size_t i = 0; i < n;) {
    while (i < n && space(i)) ++i;
    if (i >= n) break;
    const size_t b = i;
    while (i < n && !space(i)) ++i;
    const size_t len = i - b;
    if (reps > 0 && len == prev_len && std::equal(c + b, c + i, c + prev_begin)) {
      ++reps;
    } else {
      close();
      reps = 1;
      first = b;
    }
    prev_begin = b;
    prev_len = len;
  }
  close();
}

}  // namespace

void ScanRepetition(const text::NormalizedText& view, std::vector<Candidate>* out) {
  const std::string& s = view.text();
  uint64_t key = 0;
  auto add = [&](size_t from_byte, size_t to_byte) {
    out->push_back(Candidate{Kind::kRepetition, kWeak, ++key, view.ToOriginal(from_byte, to_byte)});
  };
  const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
  unsigned char high = 0;  // no early exit, so the loop vectorizes
  for (size_t i = 0; i < s.size(); ++i) high |= bytes[i];
  if (high < 0x80) {
    FindRepetition(bytes, s.size(), add);
    return;
  }
  // Code points and their byte offsets: on the stack for ordinary comments.
  constexpr size_t kStack = 1024;
  std::array<char32_t, kStack> stack_cps;
  std::array<uint32_t, kStack + 1> stack_off;
  std::vector<char32_t> heap_cps;
  std::vector<uint32_t> heap_off;
  char32_t* c = stack_cps.data();
  uint32_t* off = stack_off.data();
  if (s.size() > kStack) {
    heap_cps.resize(s.size());
    heap_off.resize(s.size() + 1);
    c = heap_cps.data();
    off = heap_off.data();
  }
  size_t n = 0;
  for (size_t pos = 0; pos < s.size();) {
    off[n] = static_cast<uint32_t>(pos);
    c[n++] = text::DecodeUtf8(s, &pos);
  }
  off[n] = static_cast<uint32_t>(s.size());
  FindRepetition(c, n, [&](size_t from, size_t to) { add(off[from], off[to]); });
}

}  // namespace commentd::moderation::ads

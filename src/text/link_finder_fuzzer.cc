// libFuzzer target for the LinkFinder alone. text_fuzzer reaches it only
// through the Normalizer, which never hands it upper case, fullwidth letters
// or zero-width characters; here any valid UTF-8 goes in as its own folded
// view (each code point its own span), so the scanner's state machine meets
// inputs the normalizer would have smoothed. Contract checked: no crash,
// spans inside the input, ordered, not overlapping, a host for every link.
//
// Build: CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCOMMENTD_FUZZ=ON
//        -DCOMMENTD_BENCH=OFF && cmake --build build-fuzz --target link_finder_fuzzer
// Run:   build-fuzz/src/text/link_finder_fuzzer testdata/fuzz/link_finder -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "text/link_finder.h"
#include "text/normalizer.h"
#include "text/utf8.h"

namespace {

using commentd::text::Link;
using commentd::text::LinkFinder;
using commentd::text::NormalizedText;
using commentd::text::Span;

const LinkFinder& GetFinder() {
  static const LinkFinder* finder = [] {
    auto f = LinkFinder::Create();
    COMMENTD_CHECK(f.ok());
    return new LinkFinder(std::move(f).value());
  }();
  return *finder;
}

void CheckLinks(const std::vector<Link>& links, size_t size) {
  uint32_t last_end = 0;
  for (const Link& link : links) {
    COMMENTD_CHECK(link.span.begin < link.span.end);
    COMMENTD_CHECK(link.span.end <= size);
    COMMENTD_CHECK(last_end <= link.span.begin);
    COMMENTD_CHECK(!link.host.empty());
    last_end = link.span.end;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!commentd::text::ValidateUtf8(input).ok()) return 0;  // the folded view is always UTF-8
  NormalizedText view;
  view.Reserve(size);
  for (size_t i = 0; i < size;) {
    const size_t n = commentd::text::DecodeAt(input, i).len;
    view.Append(input.substr(i, n), Span{static_cast<uint32_t>(i), static_cast<uint32_t>(i + n)});
    i += n;
  }
  const LinkFinder& finder = GetFinder();
  CheckLinks(finder.Find(view, input), size);
  CheckLinks(finder.Find(view), size);
  return 0;
}

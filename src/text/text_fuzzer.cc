// libFuzzer target for the text layer's parsers of untrusted input: the
// Normalizer's folded and lexical views and the LinkFinder. Checks the
// contracts every caller relies on: no crash, every span inside the input and
// well ordered, links in order and not overlapping.
//
// Build: CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCOMMENTD_FUZZ=ON
//        -DCOMMENTD_BENCH=OFF && cmake --build build-fuzz --target text_fuzzer
// Run:   build-fuzz/src/text/text_fuzzer testdata/fuzz/text -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "text/link_finder.h"
#include "text/normalizer.h"

namespace {

using commentd::text::Link;
using commentd::text::LinkFinder;
using commentd::text::NormalizedText;
using commentd::text::Normalizer;

// Built once for the whole run: both are immutable after Create.
struct Engines {
  Normalizer normalizer;
  LinkFinder finder;
};

const Engines& GetEngines() {
  static const Engines* engines = [] {
    auto normalizer = Normalizer::Create();
    COMMENTD_CHECK(normalizer.ok());
    auto finder = LinkFinder::Create();
    COMMENTD_CHECK(finder.ok());
    return new Engines{std::move(normalizer).value(), std::move(finder).value()};
  }();
  return *engines;
}

void CheckSpans(const NormalizedText& view, size_t input_size) {
  for (size_t i = 0; i < view.size(); ++i) {
    const auto span = view.ToOriginal(i, i + 1);
    COMMENTD_CHECK(span.begin <= span.end);
    COMMENTD_CHECK(span.end <= input_size);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Engines& engines = GetEngines();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto folded = engines.normalizer.Fold(input);
  if (!folded.ok()) return 0;  // invalid UTF-8 is rejected with a Status, as it must be
  CheckSpans(*folded, size);
  const NormalizedText lexical = engines.normalizer.Lexical(*folded);
  CheckSpans(lexical, size);

  uint32_t last_end = 0;
  for (const Link& link : engines.finder.Find(*folded, input)) {
    COMMENTD_CHECK(link.span.begin < link.span.end);
    COMMENTD_CHECK(link.span.end <= size);
    COMMENTD_CHECK(last_end <= link.span.begin);
    COMMENTD_CHECK(!link.host.empty());
    last_end = link.span.end;
  }
  // The overload without the original must hold the same contract.
  for (const Link& link : engines.finder.Find(*folded)) {
    COMMENTD_CHECK(link.span.begin < link.span.end && link.span.end <= size);
  }
  return 0;
}

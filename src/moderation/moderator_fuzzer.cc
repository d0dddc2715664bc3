// libFuzzer target for Moderator::Evaluate as a whole: UTF-8 check, the
// folded and lexical views, the link finder, the built-in lexicons and the
// ad scanners, under the default policy (no classifiers: the models are not
// in the source tree). Checks the contract every caller relies on: no crash,
// every reason's span inside the input and carrying the input's bytes there,
// reasons in span order, no more than kMaxReasonsPerRule + 1 per rule, no
// reason acting more strongly than the decision, and unreadable_text exactly
// when the input is not UTF-8.
//
// Build: CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCOMMENTD_FUZZ=ON
//        -DCOMMENTD_BENCH=OFF && cmake --build build-fuzz --target moderator_fuzzer
// Run:   build-fuzz/src/moderation/moderator_fuzzer testdata/fuzz/moderator -max_total_time=60
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string_view>

#include "base/check.h"
#include "moderation/moderator.h"
#include "text/utf8.h"

namespace {

using commentd::moderation::Decision;
using commentd::moderation::Moderator;
using commentd::moderation::Policy;
using commentd::moderation::Reason;
using commentd::moderation::Rule;
using commentd::moderation::Verdict;

// Built once for the whole run: a Moderator is immutable after Create.
const Moderator& GetModerator() {
  static const std::shared_ptr<const Moderator> moderator = [] {
    auto m = Moderator::Create(Policy::Default());
    COMMENTD_CHECK(m.ok());
    return std::move(m).value();
  }();
  return *moderator;
}

void CheckScore(double score) { COMMENTD_CHECK(std::isfinite(score) && score >= 0); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Verdict v = GetModerator().Evaluate(input);
  const bool valid = commentd::text::ValidateUtf8(input).ok();

  std::map<Rule, size_t> per_rule;
  uint32_t last_begin = 0;
  bool unreadable = false;
  for (const Reason& r : v.reasons) {
    COMMENTD_CHECK(r.span.begin <= r.span.end);
    COMMENTD_CHECK(r.span.end <= size);
    COMMENTD_CHECK(last_begin <= r.span.begin);
    last_begin = r.span.begin;
    // A reason shows the writer exactly what they typed; only the "N more
    // like these" reason past the per-rule limit has no match of its own.
    COMMENTD_CHECK(r.match.empty() || r.match == input.substr(r.span.begin, r.span.size()));
    COMMENTD_CHECK(r.action <= v.decision);
    CheckScore(r.score);
    COMMENTD_CHECK(++per_rule[r.rule] <= Moderator::kMaxReasonsPerRule + 1);
    unreadable |= r.rule == Rule::kUnreadableText;
  }
  COMMENTD_CHECK(unreadable == !valid);
  if (!valid) COMMENTD_CHECK(v.decision != Decision::kPublish);
  CheckScore(v.scores.link);
  CheckScore(v.scores.advertisement);
  CheckScore(v.scores.inappropriate_language);
  return 0;
}

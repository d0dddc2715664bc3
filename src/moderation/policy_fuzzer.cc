// libFuzzer target for the policy file parser: a publisher's TOML file is
// read at start-up and on reload, and a broken file must be refused with a
// Status naming where, never crash the server. Checks the contract of a
// parsed Policy: every threshold a probability or score the Moderator can
// compare against (finite), hold thresholds not above delete thresholds.
//
// Build: CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCOMMENTD_FUZZ=ON
//        -DCOMMENTD_BENCH=OFF && cmake --build build-fuzz --target policy_fuzzer
// Run:   build-fuzz/src/moderation/policy_fuzzer testdata/fuzz/policy -max_total_time=60
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "moderation/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view contents(reinterpret_cast<const char*>(data), size);
  auto policy = commentd::moderation::Policy::FromToml(contents, "fuzz.toml");
  if (!policy.ok()) {
    // A refusal must say where: the source name is in every message.
    COMMENTD_CHECK(policy.status().message().find("fuzz.toml") != std::string::npos);
    return 0;
  }
  const auto& p = *policy;
  COMMENTD_CHECK(std::isfinite(p.language.classifier_delete_threshold));
  COMMENTD_CHECK(std::isfinite(p.language.classifier_hold_threshold));
  COMMENTD_CHECK(std::isfinite(p.advertisement.threshold));
  COMMENTD_CHECK(std::isfinite(p.advertisement.hold_threshold));
  COMMENTD_CHECK(std::isfinite(p.advertisement.classifier_delete_threshold));
  COMMENTD_CHECK(std::isfinite(p.advertisement.classifier_hold_threshold));
  for (const auto& domain : p.link.allowed_domains) COMMENTD_CHECK(!domain.empty());
  return 0;
}

// One text::Normalizer for all the tests of a test binary: building one runs
// ICU over the Basic Multilingual Plane, so tests share it (it is immutable
// and thread-safe). Test-only: include it from *_test.cc files alone.
#pragma once

#include <gtest/gtest.h>

#include <utility>

#include "text/normalizer.h"

namespace commentd::text {

inline const Normalizer& TestNormalizer() {
  static const Normalizer* normalizer = [] {
    auto n = Normalizer::Create();
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return new Normalizer(std::move(n).value());
  }();
  return *normalizer;
}

}  // namespace commentd::text

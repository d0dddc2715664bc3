// CHECK: for invariants of our own code only. User input can never fire it;
// bad input is a Status. A failed CHECK prints where and aborts.
#pragma once

#include <cstdio>
#include <cstdlib>

#define COMMENTD_CHECK(cond)                                                        \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (false)

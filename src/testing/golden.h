// Golden files for table-driven tests: testdata/*.tsv lines of
// "expected<TAB>input", where blank lines and lines starting with '#' are
// comments. One reader for every golden test, so they all skip, trace and
// fail the same way. Test-only: include it from *_test.cc files alone.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <string_view>

#ifndef COMMENTD_SOURCE_DIR
#error "golden.h needs COMMENTD_SOURCE_DIR (set by commentd_test)"
#endif

namespace commentd::golden {

// Calls check(expected, input) for every line of `path` (relative to the
// source tree, e.g. "testdata/lexicon.tsv") inside SCOPED_TRACE(line), and
// returns how many lines it checked. A missing file or a line without a tab
// is a test failure naming the file and line number.
template <typename Check>
int ForEachLine(std::string_view path, Check&& check) {
  const std::string full = std::string(COMMENTD_SOURCE_DIR "/") + std::string(path);
  std::ifstream in(full);
  if (!in) {
    ADD_FAILURE() << path << " is missing";
    return 0;
  }
  std::string line;
  int line_number = 0;
  int cases = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    SCOPED_TRACE(line);
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      ADD_FAILURE() << path << ":" << line_number << ": no tab between expected and input";
      continue;
    }
    check(line.substr(0, tab), line.substr(tab + 1));
    ++cases;
  }
  return cases;
}

}  // namespace commentd::golden

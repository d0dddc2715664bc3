// Datasets: the labeled public corpora (shared/data) that train and measure
// the learned classifiers, read into one shape: (text, label, language, split).
//
// Each reader knows its corpus's own file format and label scheme and maps it
// to the binary question a classifier answers (is this an advertisement? is
// this inappropriate language?). Splits are the authors' train/dev/test where
// a corpus has them; where it has fewer, the missing ones are carved out by a
// seeded hash of the text (80/10/10), so a split never depends on file order
// and exact duplicates never straddle two splits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "moderation/verdict.h"

namespace commentd::training {

enum class Split { kTrain, kDev, kTest };
std::string_view SplitName(Split split);  // "train", "dev", "test"
// The split SplitName calls `name`; nullopt for any other string.
std::optional<Split> ParseSplit(std::string_view name);

// Which classifier a dataset trains and measures.
enum class Task { kAdvertisement, kInappropriateLanguage };
std::string_view TaskName(Task task);  // "advertisement", "inappropriate_language"
moderation::Rule RuleOf(Task task);    // the rule the task's model enforces

struct Example {
  std::string text;  // as the writer typed it (UTF-8 not guaranteed)
  bool positive = false;
  Split split = Split::kTrain;
};

struct Dataset {
  std::string name;      // "olid", "kmhas", ...
  std::string language;  // "en", "ko", "zh", "ja"
  Task task = Task::kInappropriateLanguage;
  std::string positive_label;  // what "positive" means here, e.g. "OFF"
  std::vector<Example> examples;
};

// The seed of the hash that carves missing splits. Changing it changes every
// reported number: keep it in step with models/MANIFEST.md.
inline constexpr uint64_t kSplitSeed = 20261126;

// The datasets commentd trains on and reports, in report order.
const std::vector<std::string>& DatasetNames();

// Reads dataset `name` from its folder under `data_dir` (the layout of
// shared/data). kNotFound naming the file when it is absent; kInvalidArgument
// naming file and line for a malformed row or an unknown label; kInvalidArgument
// for an unknown `name`.
base::Result<Dataset> ReadDataset(std::string_view name, const std::string& data_dir);

// The bucket 0..9 of `text` under the seeded hash (FNV-1a 64 of the seed's
// decimal digits, a NUL and the text, modulo 10): deterministic across
// platforms and runs.
uint64_t HashBucket(std::string_view text, uint64_t seed = kSplitSeed);

// The split that the seeded 80/10/10 hash gives `text`: buckets 0-7 train,
// 8 dev, 9 test.
Split HashSplit(std::string_view text, uint64_t seed = kSplitSeed);

// Writes the examples of `dataset` in `split` to `path` as "1|0<TAB>text"
// lines, tabs and line breaks in the text turned into spaces (the input of
// the npm filter comparison, bench/npm_filters). kInternal naming `path`
// when it cannot be written.
base::Status WriteSplitTsv(const Dataset& dataset, Split split, const std::string& path);

}  // namespace commentd::training

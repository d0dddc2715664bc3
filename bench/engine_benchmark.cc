// Throughput of the moderation engine on bench/corpus/mixed.jsonl: comments
// in English, Korean, Chinese and Japanese written for this benchmark (clean
// ones, and ones with links, ads and abuse in the proportions a busy news
// site sees on a bad day). Results go in docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "moderation/moderator.h"
#include "text/link_finder.h"
#include "text/normalizer.h"

namespace commentd {
namespace {

std::vector<std::string> LoadCorpus() {
  std::vector<std::string> texts;
  std::ifstream in(COMMENTD_SOURCE_DIR "/bench/corpus/mixed.jsonl");
  for (std::string line; std::getline(in, line);) {
    texts.push_back(nlohmann::json::parse(line)["text"].get<std::string>());
  }
  return texts;
}

// Resident memory of this process in bytes (Linux).
size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

void AddCorpusCounters(benchmark::State& state, const std::vector<std::string>& corpus) {
  size_t bytes = 0;
  for (const auto& t : corpus) bytes += t.size();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * corpus.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["avg_bytes"] = static_cast<double>(bytes) / corpus.size();
}

void BM_Evaluate(benchmark::State& state) {
  const auto corpus = LoadCorpus();
  const size_t before = ResidentBytes();
  auto moderator = moderation::Moderator::Create(moderation::Policy::Default());
  if (!moderator.ok()) {
    state.SkipWithError(moderator.status().ToString().c_str());
    return;
  }
  const size_t after = ResidentBytes();
  for (auto _ : state) {
    for (const auto& text : corpus) benchmark::DoNotOptimize((*moderator)->Evaluate(text));
  }
  AddCorpusCounters(state, corpus);
  state.counters["engine_MB"] = static_cast<double>(after - before) / (1 << 20);
}
BENCHMARK(BM_Evaluate)->Unit(benchmark::kMicrosecond);

void BM_EngineCreate(benchmark::State& state) {
  for (auto _ : state) {
    auto moderator = moderation::Moderator::Create(moderation::Policy::Default());
    benchmark::DoNotOptimize(moderator);
  }
}
BENCHMARK(BM_EngineCreate)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_FoldAndLexical(benchmark::State& state) {
  const auto corpus = LoadCorpus();
  auto normalizer = text::Normalizer::Create();
  for (auto _ : state) {
    for (const auto& t : corpus) {
      auto folded = normalizer->Fold(t);
      benchmark::DoNotOptimize(normalizer->Lexical(*folded));
    }
  }
  AddCorpusCounters(state, corpus);
}
BENCHMARK(BM_FoldAndLexical)->Unit(benchmark::kMicrosecond);

void BM_LinkFinder(benchmark::State& state) {
  const auto corpus = LoadCorpus();
  auto normalizer = text::Normalizer::Create();
  auto finder = text::LinkFinder::Create();
  std::vector<text::NormalizedText> folded;
  for (const auto& t : corpus) folded.push_back(*normalizer->Fold(t));
  for (auto _ : state) {
    for (const auto& f : folded) benchmark::DoNotOptimize(finder->Find(f));
  }
  AddCorpusCounters(state, corpus);
}
BENCHMARK(BM_LinkFinder)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace commentd

BENCHMARK_MAIN();

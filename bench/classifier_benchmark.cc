// Cost of the learned classifiers: loading a shipped model, scoring one
// comment's lexical view, and the whole engine (rules + both models) per
// comment, on bench/corpus/mixed.jsonl. The engine must stay above 30,000
// comments/s/core with the models on. Results go in docs/evaluation.md.
#include <benchmark/benchmark.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "moderation/fasttext_classifier.h"
#include "moderation/moderator.h"
#include "text/normalizer.h"

namespace commentd {
namespace {

const std::string kModels = COMMENTD_SOURCE_DIR "/models/";

std::vector<std::string> LoadCorpus() {
  std::vector<std::string> texts;
  std::ifstream in(COMMENTD_SOURCE_DIR "/bench/corpus/mixed.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("text") && j["text"].is_string()) {
      texts.push_back(j["text"].get<std::string>());
    }
  }
  return texts;
}

void BM_LoadModel(benchmark::State& state) {
  for (auto _ : state) {
    auto model = moderation::FastTextClassifier::Create(kModels + "inappropriate_language.ftz");
    if (!model.ok()) {
      state.SkipWithError(model.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(model);
  }
}
BENCHMARK(BM_LoadModel)->Unit(benchmark::kMillisecond);

void BM_Score(benchmark::State& state) {
  auto normalizer = text::Normalizer::Create();
  auto model = moderation::FastTextClassifier::Create(kModels + "inappropriate_language.ftz");
  if (!normalizer.ok() || !model.ok()) {
    state.SkipWithError("normalizer or model failed to load");
    return;
  }
  std::vector<text::NormalizedText> views;
  for (const auto& t : LoadCorpus()) {
    auto folded = normalizer->Fold(t);
    if (folded.ok()) views.push_back(normalizer->Lexical(*folded));
  }
  for (auto _ : state) {
    for (const auto& v : views) benchmark::DoNotOptimize((*model)->Score(v));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * views.size()));
}
BENCHMARK(BM_Score);

// Evaluate over the corpus with `classifiers` (none: rules only).
void EvaluateCorpus(benchmark::State& state, moderation::Classifiers classifiers) {
  const auto corpus = LoadCorpus();
  auto moderator = moderation::Moderator::Create(moderation::Policy::Default(), classifiers);
  if (!moderator.ok()) {
    state.SkipWithError(moderator.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    for (const auto& text : corpus) benchmark::DoNotOptimize((*moderator)->Evaluate(text));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * corpus.size()));
}

void BM_EvaluateWithModels(benchmark::State& state) {
  auto ad = moderation::FastTextClassifier::Create(kModels + "advertisement.ftz");
  auto lang = moderation::FastTextClassifier::Create(kModels + "inappropriate_language.ftz");
  if (!ad.ok() || !lang.ok()) {
    state.SkipWithError("models failed to load");
    return;
  }
  EvaluateCorpus(state, moderation::Classifiers{std::move(*ad), std::move(*lang)});
}
BENCHMARK(BM_EvaluateWithModels);

// The same loop without the models, for the cost the models add.
void BM_EvaluateRulesOnly(benchmark::State& state) { EvaluateCorpus(state, {}); }
BENCHMARK(BM_EvaluateRulesOnly);

}  // namespace
}  // namespace commentd

BENCHMARK_MAIN();

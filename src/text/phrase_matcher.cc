#include "text/phrase_matcher.h"

#include <hs/hs.h>

#include <algorithm>
#include <mutex>

#include "text/utf8.h"

namespace commentd::text {
namespace {

// A run-length view of a string: each run of one code point repeated.
struct Run {
  uint32_t begin;   // byte offset of the run in the original string
  uint32_t end;
  uint32_t count;   // how many times the code point repeats
};

// Squeezes runs of the same code point to one, recording the runs.
void Squeeze(std::string_view s, std::string* squeezed, std::vector<Run>* runs,
             std::vector<uint32_t>* run_of_byte) {
  squeezed->clear();
  runs->clear();
  if (run_of_byte) run_of_byte->clear();
  size_t pos = 0;
  char32_t previous = 0xFFFFFFFF;
  while (pos < s.size()) {
    const size_t start = pos;
    const char32_t c = DecodeUtf8(s, &pos);
    if (c == previous && !runs->empty()) {
      runs->back().end = static_cast<uint32_t>(pos);
      ++runs->back().count;
      continue;
    }
    previous = c;
    runs->push_back(Run{static_cast<uint32_t>(start), static_cast<uint32_t>(pos), 1});
    squeezed->append(s.substr(start, pos - start));
    if (run_of_byte) run_of_byte->insert(run_of_byte->end(), pos - start, runs->size() - 1);
  }
}

}  // namespace

struct PhraseMatcher::State {
  hs_database_t* database = nullptr;
  hs_scratch_t* prototype = nullptr;
  std::vector<std::vector<uint32_t>> counts;  // per phrase: repeat count of each run
  std::vector<uint32_t> squeezed_size;        // per phrase: bytes of its squeezed form
  mutable std::mutex mutex;
  mutable std::vector<hs_scratch_t*> free_scratch;

  ~State() {
    for (hs_scratch_t* s : free_scratch) hs_free_scratch(s);
    if (prototype) hs_free_scratch(prototype);
    if (database) hs_free_database(database);
  }

  hs_scratch_t* TakeScratch() const {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!free_scratch.empty()) {
        hs_scratch_t* s = free_scratch.back();
        free_scratch.pop_back();
        return s;
      }
    }
    hs_scratch_t* s = nullptr;
    if (hs_clone_scratch(prototype, &s) != HS_SUCCESS) return nullptr;
    return s;
  }
  void ReturnScratch(hs_scratch_t* s) const {
    std::lock_guard<std::mutex> lock(mutex);
    free_scratch.push_back(s);
  }
};

base::Result<PhraseMatcher> PhraseMatcher::Create(const std::vector<std::string>& phrases) {
  auto state = std::make_unique<State>();
  std::vector<std::string> squeezed(phrases.size());
  std::vector<Run> runs;
  for (size_t i = 0; i < phrases.size(); ++i) {
    COMMENTD_RETURN_IF_ERROR(ValidateUtf8(phrases[i]).WithContext(fmt::format("phrase {}", i)));
    if (phrases[i].empty()) return base::InvalidArgumentError("phrase {} is empty", i);
    Squeeze(phrases[i], &squeezed[i], &runs, nullptr);
    std::vector<uint32_t> counts;
    for (const Run& r : runs) counts.push_back(r.count);
    state->counts.push_back(std::move(counts));
    state->squeezed_size.push_back(static_cast<uint32_t>(squeezed[i].size()));
  }
  if (phrases.empty()) return PhraseMatcher(std::move(state));

  std::vector<const char*> expressions;
  std::vector<size_t> lengths;
  std::vector<unsigned> flags(phrases.size(), 0);
  std::vector<unsigned> ids;
  for (size_t i = 0; i < squeezed.size(); ++i) {
    expressions.push_back(squeezed[i].data());
    lengths.push_back(squeezed[i].size());
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_compile_error_t* error = nullptr;
  if (hs_compile_lit_multi(expressions.data(), flags.data(), ids.data(), lengths.data(),
                           static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr,
                           &state->database, &error) != HS_SUCCESS) {
    std::string message = error ? error->message : "unknown error";
    const int which = error ? error->expression : -1;
    hs_free_compile_error(error);
    return base::InvalidArgumentError("cannot compile phrase {} ('{}'): {}", which,
                                      which >= 0 ? phrases[which] : "", message);
  }
  if (hs_alloc_scratch(state->database, &state->prototype) != HS_SUCCESS) {
    return base::InternalError("Vectorscan cannot allocate scratch space");
  }
  return PhraseMatcher(std::move(state));
}

PhraseMatcher::PhraseMatcher(std::unique_ptr<State> state) : state_(std::move(state)) {}
PhraseMatcher::PhraseMatcher(PhraseMatcher&&) noexcept = default;
PhraseMatcher& PhraseMatcher::operator=(PhraseMatcher&&) noexcept = default;
PhraseMatcher::~PhraseMatcher() = default;

std::vector<PhraseMatcher::Match> PhraseMatcher::FindAll(std::string_view text) const {
  std::vector<Match> matches;
  if (state_->database == nullptr || text.empty()) return matches;
  std::string squeezed;
  std::vector<Run> runs;
  std::vector<uint32_t> run_of_byte;
  Squeeze(text, &squeezed, &runs, &run_of_byte);

  struct Context {
    const State* state;
    const std::vector<Run>* runs;
    const std::vector<uint32_t>* run_of_byte;
    std::vector<Match>* matches;
  } context{state_.get(), &runs, &run_of_byte, &matches};

  auto on_match = [](unsigned id, unsigned long long /*from*/, unsigned long long to, unsigned /*flags*/,
                     void* ctx) -> int {
    auto* c = static_cast<Context*>(ctx);
    const uint32_t size = c->state->squeezed_size[id];
    const uint32_t first_run = (*c->run_of_byte)[to - size];
    const std::vector<uint32_t>& counts = c->state->counts[id];
    // The text must repeat each letter at least as often as the phrase.
    for (size_t k = 0; k < counts.size(); ++k) {
      const Run& r = (*c->runs)[first_run + k];
      if (r.count < counts[k]) return 0;
    }
    const Run& first = (*c->runs)[first_run];
    const Run& last = (*c->runs)[first_run + counts.size() - 1];
    // The span takes whole runs: "fuuuuck" is highlighted as typed.
    c->matches->push_back(Match{id, first.begin, last.end});
    return 0;
  };

  hs_scratch_t* scratch = state_->TakeScratch();
  if (scratch == nullptr) return matches;
  hs_scan(state_->database, squeezed.data(), static_cast<unsigned>(squeezed.size()), 0, scratch,
          on_match, &context);
  state_->ReturnScratch(scratch);
  std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  return matches;
}

}  // namespace commentd::text

#include "moderation/ad_patterns.h"

#include <fmt/format.h>
#include <hs/hs.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <utility>

#include "base/mutex.h"
#include "moderation/builtin_ad_patterns.h"

namespace commentd::moderation::ads {
namespace {

// What a Vectorscan match id stands for (ids index State::patterns).
struct PatternInfo {
  Kind kind;
  double weight;
  uint32_t length;         // bytes of a phrase (a literal); 0 for a regex
  bool word_begin;         // a phrase starting with an ASCII word character
  bool word_end;           // ... ending with one: matched on word boundaries
  uint32_t regex_index;    // for a regex: its own start-of-match database
  std::string_view label;  // into State::labels; empty for the kind's own name
};

// The key all weak offers share (pattern ids are far below it).
constexpr uint64_t kWeakOfferKey = uint64_t{1} << 40;

bool IsAsciiWordByte(unsigned char c) { return std::isalnum(c) || c == '_'; }

struct HsDatabaseDeleter {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
using HsDatabase = std::unique_ptr<hs_database_t, HsDatabaseDeleter>;

base::Result<HsDatabase> Compile(const std::vector<std::string>& expressions,
                                 const std::vector<unsigned>& ids, unsigned extra_flags) {
  std::vector<const char*> c_expressions;
  std::vector<unsigned> flags;
  for (const std::string& e : expressions) {
    c_expressions.push_back(e.c_str());
    flags.push_back(HS_FLAG_UTF8 | HS_FLAG_CASELESS | extra_flags);
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(c_expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(c_expressions.size()), HS_MODE_BLOCK, nullptr, &db,
                       &error) != HS_SUCCESS) {
    std::string message = error != nullptr ? error->message : "unknown error";
    const int index = error != nullptr ? error->expression : -1;
    hs_free_compile_error(error);
    return base::InternalError("ad detector: Vectorscan rejected pattern {} ({}): {}", index,
                               index >= 0 ? expressions[static_cast<size_t>(index)] : "", message);
  }
  return HsDatabase(db);
}

// Phrases are literals: they compile in milliseconds where the same set as
// regexes takes seconds; word boundaries are checked after the match.
base::Result<HsDatabase> CompileLiterals(const std::vector<std::string>& literals,
                                         const std::vector<unsigned>& ids) {
  std::vector<const char*> expressions;
  std::vector<size_t> lengths;
  const std::vector<unsigned> flags(literals.size(), 0);
  for (const std::string& l : literals) {
    expressions.push_back(l.data());
    lengths.push_back(l.size());
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_lit_multi(expressions.data(), flags.data(), ids.data(), lengths.data(),
                           static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &db,
                           &error) != HS_SUCCESS) {
    std::string message = error != nullptr ? error->message : "unknown error";
    hs_free_compile_error(error);
    return base::InternalError("ad detector: Vectorscan rejected the phrases: {}", message);
  }
  return HsDatabase(db);
}

struct RawMatch {
  unsigned id;
  size_t from;
  size_t to;
};

struct ScanContext {
  const std::vector<PatternInfo>* patterns;
  std::string_view text;  // the view being scanned
  std::vector<RawMatch>* matches;
};

int OnMatch(unsigned id, unsigned long long from, unsigned long long to, unsigned /*flags*/,
            void* context) {
  auto* ctx = static_cast<ScanContext*>(context);
  const PatternInfo& info = (*ctx->patterns)[id];
  if (info.length != 0) {
    if (to < info.length) return 0;
    from = to - info.length;
    const auto at = [&](unsigned long long i) { return static_cast<unsigned char>(ctx->text[i]); };
    if (info.word_begin && from > 0 && IsAsciiWordByte(at(from - 1))) return 0;
    if (info.word_end && to < ctx->text.size() && IsAsciiWordByte(at(to))) return 0;
  }
  std::vector<RawMatch>& matches = *ctx->matches;
  // A regex with a repeat reports every end; keep one match per start,
  // extended to its furthest end.
  if (!matches.empty() && matches.back().id == id && matches.back().from == from) {
    matches.back().to = std::max<size_t>(matches.back().to, to);
  } else {
    matches.push_back(RawMatch{id, static_cast<size_t>(from), static_cast<size_t>(to)});
  }
  return 0;
}

// The prefilter only asks which regexes match at all (each reports once).
int OnPrefilterMatch(unsigned id, unsigned long long, unsigned long long, unsigned, void* context) {
  static_cast<std::vector<unsigned>*>(context)->push_back(id);
  return 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A per-language table is named by a two-letter language code ("ja.tsv").
bool IsLanguageTable(std::string_view stem) {
  return stem.size() == 2 && stem[0] >= 'a' && stem[0] <= 'z' && stem[1] >= 'a' && stem[1] <= 'z';
}

// "offer:loan" -> kOffer; false unless the name after the colon is
// lower-case letters and '_'.
bool ParseCategory(std::string_view category, Kind* kind) {
  const size_t colon = category.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view prefix = category.substr(0, colon);
  const std::string_view name = category.substr(colon + 1);
  if (prefix == "offer") {
    *kind = Kind::kOffer;
  } else if (prefix == "contact") {
    *kind = Kind::kContact;
  } else {
    return false;
  }
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

bool ParseWeight(std::string_view name, double* weight) {
  if (name == "decisive")
    *weight = kDecisive;
  else if (name == "strong")
    *weight = kStrong;
  else if (name == "medium")
    *weight = kMedium;
  else if (name == "weak")
    *weight = kWeak;
  else
    return false;
  return true;
}

}  // namespace

base::Result<std::vector<AdPattern>> ParseAdPatterns(std::string_view contents,
                                                     std::string_view name) {
  std::string_view stem = name.substr(name.rfind('/') + 1);
  stem = stem.substr(0, stem.find('.'));
  const bool language_table = IsLanguageTable(stem);
  Kind kind = Kind::kOffer;
  if (!language_table &&
      (!ParseKind(stem, &kind) ||
       (kind != Kind::kContactHandle && kind != Kind::kMoneyCall && kind != Kind::kSpamKeyword))) {
    return base::InvalidArgumentError(
        "{}: the file name names no pattern kind (want contact_handle, money_call, "
        "spam_keyword or a two-letter language code)",
        name);
  }
  std::vector<AdPattern> patterns;
  size_t line_number = 0;
  while (!contents.empty()) {
    const size_t newline = contents.find('\n');
    std::string_view line = contents.substr(0, newline);
    contents =
        newline == std::string_view::npos ? std::string_view() : contents.substr(newline + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty() || line.front() == '#') continue;
    auto fail = [&](std::string_view what) {
      return base::InvalidArgumentError("{}:{}: {}", name, line_number, what);
    };
    const size_t tab1 = line.find('\t');
    const size_t tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
    const size_t tab3 =
        !language_table || tab2 == std::string_view::npos ? tab2 : line.find('\t', tab2 + 1);
    if (tab3 == std::string_view::npos) {
      return fail(language_table ? "want 4 tab-separated fields (weight, form, category, text)"
                                 : "want 3 tab-separated fields (weight, form, text)");
    }
    const std::string_view weight_name = Trim(line.substr(0, tab1));
    const std::string_view form_name = Trim(line.substr(tab1 + 1, tab2 - tab1 - 1));
    const std::string_view text = line.substr(tab3 + 1);
    AdPattern pattern{kind, 0, Form::kPhrase, std::string(text), {}};
    if (language_table) {
      const std::string_view category = Trim(line.substr(tab2 + 1, tab3 - tab2 - 1));
      if (!ParseCategory(category, &pattern.kind)) {
        return fail(fmt::format(
            "category '{}' is not offer:<name> or contact:<name> (name: a-z and _)", category));
      }
      pattern.label = std::string(category);
    }
    if (!ParseWeight(weight_name, &pattern.weight)) {
      return fail(
          fmt::format("unknown weight '{}' (want decisive, strong, medium or weak)", weight_name));
    }
    if (form_name == "regex") {
      pattern.form = Form::kRegex;
    } else if (form_name != "phrase") {
      return fail(fmt::format("unknown form '{}' (want phrase or regex)", form_name));
    }
    if (text.empty() || text.find('\t') != std::string_view::npos) {
      return fail("the text is empty or has a tab");
    }
    patterns.push_back(std::move(pattern));
  }
  return patterns;
}

base::Result<std::vector<AdPattern>> BuiltinAdPatterns() {
  auto files = BuiltinAdPatternFiles();
  std::sort(files.begin(), files.end());
  std::vector<AdPattern> all;
  for (const auto& [name, contents] : files) {
    COMMENTD_ASSIGN_OR_RETURN(std::vector<AdPattern> patterns, ParseAdPatterns(contents, name));
    for (AdPattern& p : patterns) all.push_back(std::move(p));
  }
  return all;
}

struct AdPatterns::State {
  std::vector<PatternInfo> patterns;                 // by Vectorscan id
  std::vector<std::unique_ptr<std::string>> labels;  // stable storage for PatternInfo::label
  HsDatabase lexical_db;                             // phrases (literals), over the lexical view
  // Regexes over the folded view. Start offsets make a database compile
  // slowly and scan slowly when many patterns share it, so one database
  // without them says which regexes match, and only those run again, each
  // from its own database with start offsets. Most comments match none.
  HsDatabase folded_prefilter_db;
  std::vector<HsDatabase> regex_dbs;  // by PatternInfo::regex_index
  hs_scratch_t* prototype = nullptr;

  // Vectorscan scratch is per concurrent scan: a pool, grown on demand.
  mutable base::Mutex mu;
  mutable std::vector<hs_scratch_t*> pool GUARDED_BY(mu);

  ~State() {
    for (hs_scratch_t* s : pool) hs_free_scratch(s);
    hs_free_scratch(prototype);
  }

  hs_scratch_t* Acquire() const EXCLUDES(mu) {
    base::MutexLock lock(&mu);
    if (!pool.empty()) {
      hs_scratch_t* s = pool.back();
      pool.pop_back();
      return s;
    }
    hs_scratch_t* s = nullptr;
    if (hs_clone_scratch(prototype, &s) != HS_SUCCESS) return nullptr;
    return s;
  }
  void Release(hs_scratch_t* s) const EXCLUDES(mu) {
    if (s == nullptr) return;
    base::MutexLock lock(&mu);
    pool.push_back(s);
  }
};

base::Result<AdPatterns> AdPatterns::Create(const std::vector<AdPattern>& specs,
                                            const text::Normalizer& normalizer) {
  auto state = std::make_unique<State>();
  std::vector<std::string> literals, regexes;
  std::vector<unsigned> literal_ids, regex_ids;
  auto label_of = [&](const AdPattern& spec) -> std::string_view {
    if (spec.label.empty()) return {};
    for (const auto& l : state->labels) {
      if (*l == spec.label) return *l;
    }
    state->labels.push_back(std::make_unique<std::string>(spec.label));
    return *state->labels.back();
  };
  for (const AdPattern& spec : specs) {
    if (spec.form == Form::kRegex) {
      regex_ids.push_back(static_cast<unsigned>(state->patterns.size()));
      regexes.emplace_back(spec.text);
      state->patterns.push_back(PatternInfo{spec.kind, spec.weight, 0, false, false,
                                            static_cast<uint32_t>(regexes.size() - 1),
                                            label_of(spec)});
      continue;
    }
    {
      const std::string_view phrase = spec.text;
      auto lexical = normalizer.LexicalString(phrase);
      if (!lexical.ok()) {
        return base::InternalError("ad detector: phrase \"{}\": {}", phrase,
                                   lexical.status().ToString());
      }
      if (lexical->empty()) continue;
      literal_ids.push_back(static_cast<unsigned>(state->patterns.size()));
      state->patterns.push_back(PatternInfo{
          spec.kind, spec.weight, static_cast<uint32_t>(lexical->size()),
          IsAsciiWordByte(static_cast<unsigned char>(lexical->front())),
          IsAsciiWordByte(static_cast<unsigned char>(lexical->back())), 0, label_of(spec)});
      literals.push_back(std::move(lexical).value());
    }
  }
  // Vectorscan compiles no empty set: a table without phrases (or without
  // regexes) leaves that database null, and Scan skips it.
  if (!literals.empty()) {
    COMMENTD_ASSIGN_OR_RETURN(state->lexical_db, CompileLiterals(literals, literal_ids));
    if (hs_alloc_scratch(state->lexical_db.get(), &state->prototype) != HS_SUCCESS) {
      return base::InternalError("ad detector: cannot allocate Vectorscan scratch");
    }
  }
  if (!regexes.empty()) {
    COMMENTD_ASSIGN_OR_RETURN(state->folded_prefilter_db,
                              Compile(regexes, regex_ids, HS_FLAG_SINGLEMATCH));
    if (hs_alloc_scratch(state->folded_prefilter_db.get(), &state->prototype) != HS_SUCCESS) {
      return base::InternalError("ad detector: cannot allocate Vectorscan scratch");
    }
  }
  for (size_t r = 0; r < regexes.size(); ++r) {
    COMMENTD_ASSIGN_OR_RETURN(HsDatabase db,
                              Compile({regexes[r]}, {regex_ids[r]}, HS_FLAG_SOM_LEFTMOST));
    if (hs_alloc_scratch(db.get(), &state->prototype) != HS_SUCCESS) {
      return base::InternalError("ad detector: cannot allocate Vectorscan scratch");
    }
    state->regex_dbs.push_back(std::move(db));
  }
  return AdPatterns(std::move(state));
}

AdPatterns::AdPatterns(std::unique_ptr<State> state) : state_(std::move(state)) {}
AdPatterns::AdPatterns(AdPatterns&&) noexcept = default;
AdPatterns& AdPatterns::operator=(AdPatterns&&) noexcept = default;
AdPatterns::~AdPatterns() = default;

void AdPatterns::Scan(const text::NormalizedText& folded, const text::NormalizedText& lexical,
                      std::vector<Candidate>* out) const {
  std::vector<RawMatch> matches;
  hs_scratch_t* scratch = state_->Acquire();
  auto scan = [&](const hs_database_t* db, const text::NormalizedText& view) {
    if (scratch == nullptr || view.empty()) return;
    matches.clear();
    ScanContext context{&state_->patterns, view.text(), &matches};
    // A failed scan (only possible on scratch misuse) loses that view's
    // matches; the other signals still stand.
    if (hs_scan(db, view.text().data(), static_cast<unsigned>(view.size()), 0, scratch, OnMatch,
                &context) != HS_SUCCESS) {
      return;
    }
    for (const RawMatch& m : matches) {
      if (m.to <= m.from) continue;
      const PatternInfo& info = state_->patterns[m.id];
      // Weak offers are everyday news words ("loan", "visa", "jobs"): a
      // comment naming three of them discusses a topic, it does not sell,
      // so they share one key and count once together.
      const bool weak_offer = FamilyOf(info.kind) == Family::kOffer && info.weight <= kWeak;
      const uint64_t key = weak_offer ? kWeakOfferKey : m.id;
      out->push_back(
          Candidate{info.kind, info.weight, key, view.ToOriginal(m.from, m.to), info.label});
    }
  };
  if (state_->lexical_db != nullptr) scan(state_->lexical_db.get(), lexical);
  std::vector<unsigned> matched_regexes;
  if (scratch != nullptr && !folded.empty() && state_->folded_prefilter_db != nullptr &&
      hs_scan(state_->folded_prefilter_db.get(), folded.text().data(),
              static_cast<unsigned>(folded.size()), 0, scratch, OnPrefilterMatch,
              &matched_regexes) == HS_SUCCESS) {
    for (unsigned id : matched_regexes) {
      scan(state_->regex_dbs[state_->patterns[id].regex_index].get(), folded);
    }
  }
  state_->Release(scratch);
}

}  // namespace commentd::moderation::ads

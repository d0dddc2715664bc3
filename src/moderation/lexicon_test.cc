#include "moderation/lexicon.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "moderation/builtin_lexicons.h"
#include "testing/golden.h"
#include "testing/normalizer.h"
#include "text/utf8.h"

namespace commentd::moderation {
namespace {

using ::testing::HasSubstr;

const Lexicon& Builtin() {
  static const Lexicon* lexicon = [] {
    auto l = Lexicon::CreateBuiltin(text::TestNormalizer());
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return new Lexicon(std::move(l).value());
  }();
  return *lexicon;
}

std::vector<LexiconMatch> FindIn(const Lexicon& lexicon, std::string_view original) {
  auto folded = text::TestNormalizer().Fold(original);
  EXPECT_TRUE(folded.ok()) << folded.status().ToString();
  if (!folded.ok()) return {};
  return lexicon.Find(text::TestNormalizer().Lexical(*folded));
}

// The original bytes of each match, in order.
std::vector<std::string> MatchedText(const Lexicon& lexicon, std::string_view original) {
  std::vector<std::string> out;
  for (const LexiconMatch& m : FindIn(lexicon, original)) {
    out.emplace_back(original.substr(m.span.begin, m.span.size()));
  }
  return out;
}

Lexicon MakeLexicon(std::vector<LexiconEntry> entries, std::vector<std::string> allowed = {}) {
  auto l = Lexicon::Create(text::TestNormalizer(), std::move(entries), std::move(allowed));
  EXPECT_TRUE(l.ok()) << l.status().ToString();
  return std::move(l).value();
}

LexiconEntry Entry(std::string term, Boundary boundary, Category category = Category::kProfanity,
                   Severity severity = Severity::kStrong) {
  return LexiconEntry{std::move(term), "en", category, severity, boundary};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string DataDir() {
  if (const char* env = std::getenv("COMMENTD_DATA")) return env;
  return COMMENTD_SOURCE_DIR "/../shared/data";
}

// --- Parsing --------------------------------------------------------------

TEST(LexiconTest, ParseEntriesReadsFieldsAndDefaultsBoundaryByScript) {
  auto entries = Lexicon::ParseEntries(
      "# comment\n"
      "\n"
      "fuck\ten\tprofanity\tstrong\tprefix\n"
      "shit\ten\tprofanity\tmild\n"
      "씨발\tko\tprofanity\tsevere\r\n"
      "kill yourself\ten\tabuse\tsevere\n"
      "チョン公\tja\tslur\tstrong\tword\n",
      "test.tsv");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 5u);
  EXPECT_EQ((*entries)[0].term, "fuck");
  EXPECT_EQ((*entries)[0].boundary, Boundary::kPrefix);
  EXPECT_EQ((*entries)[1].severity, Severity::kMild);
  EXPECT_EQ((*entries)[1].boundary, Boundary::kWord);
  EXPECT_EQ((*entries)[2].term, "씨발");
  EXPECT_EQ((*entries)[2].lang, "ko");
  EXPECT_EQ((*entries)[2].severity, Severity::kSevere);
  EXPECT_EQ((*entries)[2].boundary, Boundary::kInside);
  EXPECT_EQ((*entries)[3].term, "kill yourself");
  EXPECT_EQ((*entries)[3].category, Category::kAbuse);
  EXPECT_EQ((*entries)[4].boundary, Boundary::kWord);
  EXPECT_EQ((*entries)[4].category, Category::kSlur);
}

TEST(LexiconTest, ParseEntriesErrorsNameSourceAndLine) {
  struct Case {
    std::string bad_line;
    std::string what;
  };
  const Case cases[] = {
      {"fuck\ten\tprofanity", "want 4 or 5"},
      {"fuck\ten\tprofanity\tstrong\tword\textra", "want 4 or 5"},
      {"fuck\ten\tcurse\tstrong", "unknown category 'curse'"},
      {"fuck\ten\tprofanity\tvery", "unknown severity 'very'"},
      {"fuck\ten\tprofanity\tstrong\teverywhere", "unknown boundary 'everywhere'"},
      {"fuck\tEnglish\tprofanity\tstrong", "language 'English'"},
      {"\ten\tprofanity\tstrong", "empty term"},
      {"f\xFFk\ten\tprofanity\tstrong", "invalid UTF-8"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.bad_line);
    std::string contents = "# header\nshit\ten\tprofanity\tmild\n" + c.bad_line + "\n";
    auto entries = Lexicon::ParseEntries(contents, "lexicons/en.tsv");
    ASSERT_FALSE(entries.ok());
    EXPECT_EQ(entries.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_THAT(entries.status().message(), HasSubstr("lexicons/en.tsv:3"));
    EXPECT_THAT(entries.status().message(), HasSubstr(c.what));
  }
}

TEST(LexiconTest, ParseAllowedReadsWordsAndNamesBadLines) {
  auto words = Lexicon::ParseAllowed("# c\n시발점\tko\nScunthorpe\n\n操场\tzh\n", "allow.tsv");
  ASSERT_TRUE(words.ok()) << words.status().ToString();
  EXPECT_EQ(*words, (std::vector<std::string>{"시발점", "Scunthorpe", "操场"}));

  auto bad = Lexicon::ParseAllowed("ok\nword\tko\textra\n", "allow.tsv");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("allow.tsv:2"));
  auto bad_lang = Lexicon::ParseAllowed("ok\n\nword\tKorean\n", "allow.tsv");
  ASSERT_FALSE(bad_lang.ok());
  EXPECT_THAT(bad_lang.status().message(), HasSubstr("allow.tsv:3"));
}

TEST(LexiconTest, CreateRejectsAnEntryThatNormalizesToNothing) {
  auto lexicon =
      Lexicon::Create(text::TestNormalizer(),
                      {Entry("fuck", Boundary::kWord), Entry("\u200B\u200D", Boundary::kWord)}, {});
  ASSERT_FALSE(lexicon.ok());
  EXPECT_EQ(lexicon.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(lexicon.status().message(), HasSubstr("normalizes to nothing"));

  auto empty_allow =
      Lexicon::Create(text::TestNormalizer(), {Entry("fuck", Boundary::kWord)}, {" "});
  ASSERT_FALSE(empty_allow.ok());
  EXPECT_THAT(empty_allow.status().message(), HasSubstr("allowlist word"));
}

TEST(LexiconTest, CreateRejectsAnEmptyLexicon) {
  auto lexicon = Lexicon::Create(text::TestNormalizer(), {}, {});
  ASSERT_FALSE(lexicon.ok());
  EXPECT_EQ(lexicon.status().code(), base::StatusCode::kInvalidArgument);
}

// --- Matching semantics ---------------------------------------------------

TEST(LexiconTest, StretchedLettersMatchButAShorterWordNeverMatchesALongerTerm) {
  Lexicon lexicon = MakeLexicon({Entry("ass", Boundary::kWord), Entry("fuck", Boundary::kWord),
                                 Entry("bullshit", Boundary::kWord)});
  EXPECT_EQ(MatchedText(lexicon, "fuuuuuck"), (std::vector<std::string>{"fuuuuuck"}));
  EXPECT_EQ(MatchedText(lexicon, "FFUCKKKK!"), (std::vector<std::string>{"FFUCKKKK"}));
  EXPECT_EQ(MatchedText(lexicon, "asssss"), (std::vector<std::string>{"asssss"}));
  EXPECT_EQ(MatchedText(lexicon, "aaass"), (std::vector<std::string>{"aaass"}));
  EXPECT_TRUE(MatchedText(lexicon, "as").empty());
  EXPECT_TRUE(MatchedText(lexicon, "as well as").empty());
  EXPECT_TRUE(MatchedText(lexicon, "pass the class").empty());
  EXPECT_TRUE(MatchedText(lexicon, "fuckface").empty());
  EXPECT_EQ(MatchedText(lexicon, "bullllshit"), (std::vector<std::string>{"bullllshit"}));
  EXPECT_TRUE(MatchedText(lexicon, "bulshit").empty());
}

TEST(LexiconTest, BoundariesFollowTheEntry) {
  Lexicon lexicon = MakeLexicon({Entry("fuck", Boundary::kPrefix), Entry("cunt", Boundary::kWord),
                                 Entry("shit", Boundary::kInside)});
  // A prefix entry's span runs to the end of the word the writer typed.
  EXPECT_EQ(MatchedText(lexicon, "fuckface"), (std::vector<std::string>{"fuckface"}));
  EXPECT_TRUE(MatchedText(lexicon, "clusterfuck").empty());
  EXPECT_TRUE(MatchedText(lexicon, "Scunthorpe").empty());
  EXPECT_EQ(MatchedText(lexicon, "horseshitpile"), (std::vector<std::string>{"shit"}));
  // Latin words sit against Han and Kana without spaces in Chinese and
  // Japanese writing: that is still a word boundary.
  EXPECT_EQ(MatchedText(lexicon, "你cunt吧"), (std::vector<std::string>{"cunt"}));
}

TEST(LexiconTest, RegexMetacharactersInEntriesAreLiteral) {
  Lexicon lexicon = MakeLexicon({Entry("f*ck", Boundary::kWord), Entry("(x)", Boundary::kInside),
                                 Entry("a[b", Boundary::kInside), Entry("q?", Boundary::kInside)});
  EXPECT_EQ(MatchedText(lexicon, "f*ck"), (std::vector<std::string>{"f*ck"}));
  EXPECT_TRUE(MatchedText(lexicon, "fck").empty());
  EXPECT_TRUE(MatchedText(lexicon, "ffffck").empty());
  EXPECT_EQ(MatchedText(lexicon, "y(x)z"), (std::vector<std::string>{"(x)"}));
  EXPECT_TRUE(MatchedText(lexicon, "x").empty());
  EXPECT_EQ(MatchedText(lexicon, "a[b"), (std::vector<std::string>{"a[b"}));
  EXPECT_TRUE(MatchedText(lexicon, "ab").empty());
  EXPECT_TRUE(MatchedText(lexicon, "qq").empty());
}

TEST(LexiconTest, OverlappingMatchesKeepTheLongest) {
  Lexicon lexicon = MakeLexicon(
      {Entry("fuck", Boundary::kInside), Entry("motherfucker", Boundary::kWord, Category::kAbuse),
       Entry("妈的", Boundary::kInside), Entry("他妈的", Boundary::kInside)});
  auto matches = FindIn(lexicon, "you motherfucker");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].entry->term, "motherfucker");
  EXPECT_EQ(matches[0].span, (text::Span{4, 16}));
  matches = FindIn(lexicon, "他妈的 fuck");
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].entry->term, "他妈的");
  EXPECT_EQ(matches[1].entry->term, "fuck");
}

TEST(LexiconTest, AllowlistWordsSuppressMatchesInsideThem) {
  Lexicon lexicon = MakeLexicon(
      {LexiconEntry{"시발", "ko", Category::kProfanity, Severity::kStrong, Boundary::kInside}},
      {"시발점"});
  EXPECT_TRUE(MatchedText(lexicon, "여기가 시발점이다").empty());
  EXPECT_EQ(MatchedText(lexicon, "시발 시발점"), (std::vector<std::string>{"시발"}));
  Lexicon without = MakeLexicon(
      {LexiconEntry{"시발", "ko", Category::kProfanity, Severity::kStrong, Boundary::kInside}});
  EXPECT_EQ(MatchedText(without, "여기가 시발점이다"), (std::vector<std::string>{"시발"}));
}

TEST(LexiconTest, DuplicateTermsCompileOnceKeepingTheHighestSeverity) {
  Lexicon lexicon =
      MakeLexicon({Entry("shit", Boundary::kWord, Category::kProfanity, Severity::kMild),
                   Entry("SHIT", Boundary::kWord, Category::kProfanity, Severity::kSevere)});
  EXPECT_EQ(lexicon.size(), 1u);
  auto matches = FindIn(lexicon, "shit");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].entry->severity, Severity::kSevere);
}

// --- Masked words ---------------------------------------------------------

Lexicon MaskingLexicon() {
  return MakeLexicon({Entry("nigger", Boundary::kPrefix, Category::kSlur, Severity::kSevere),
                      Entry("cunt", Boundary::kWord, Category::kAbuse, Severity::kSevere),
                      Entry("bitch", Boundary::kWord, Category::kAbuse),
                      Entry("fuck", Boundary::kPrefix), Entry("shit", Boundary::kWord),
                      Entry("damn", Boundary::kWord, Category::kProfanity, Severity::kMild),
                      Entry("kill yourself", Boundary::kWord, Category::kAbuse)});
}

TEST(LexiconTest, PlaceholdersStandForTheLettersOfAStrongTermTheTypedLettersFix) {
  const Lexicon lexicon = MaskingLexicon();
  for (std::string_view masked : {"n***er", "n*gger", "n****r", "c**t", "c*nt", "b***h", "b*tch",
                                  "f#ck", "f%ck", "f**k", "f*k", "sh**", "sh*t", "s#it"}) {
    SCOPED_TRACE(masked);
    auto matches = FindIn(lexicon, fmt::format("you {} there", masked));
    ASSERT_EQ(matches.size(), 1u);
    EXPECT_EQ(matches[0].span, (text::Span{4, static_cast<uint32_t>(4 + masked.size())}));
  }
  auto matches = FindIn(lexicon, "c**t");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].entry->term, "cunt");
  EXPECT_EQ(matches[0].entry->severity, Severity::kSevere);
}

TEST(LexiconTest, AMaskedPrefixTermRunsOnIntoTheWordTheWriterTyped) {
  const Lexicon lexicon = MaskingLexicon();
  EXPECT_EQ(MatchedText(lexicon, "f**king hell"), (std::vector<std::string>{"f**king"}));
  EXPECT_EQ(MatchedText(lexicon, "n***ers"), (std::vector<std::string>{"n***ers"}));
  // A word-boundary term does not run on.
  EXPECT_TRUE(MatchedText(lexicon, "c**tains").empty());
}

TEST(LexiconTest, PunctuationPlaceholdersCountSinglyBetweenLetters) {
  const Lexicon lexicon = MaskingLexicon();
  EXPECT_EQ(MatchedText(lexicon, "sh-t happens"), (std::vector<std::string>{"sh-t"}));
  EXPECT_EQ(MatchedText(lexicon, "f.ck off"), (std::vector<std::string>{"f.ck"}));
  EXPECT_EQ(MatchedText(lexicon, "sh_t"), (std::vector<std::string>{"sh_t"}));
  EXPECT_EQ(MatchedText(lexicon, "f**k?"), (std::vector<std::string>{"f**k"}));
  // Two typed letters are not enough behind punctuation, nor is a run of it.
  EXPECT_TRUE(MatchedText(lexicon, "c-t").empty());
  EXPECT_TRUE(MatchedText(lexicon, "f--k").empty());
  EXPECT_TRUE(MatchedText(lexicon, "kick some ass###bleedgreen").empty());  // hashtags
  EXPECT_TRUE(MatchedText(lexicon, "The U.S.it said, co-op farms, e.g. this").empty());
}

TEST(LexiconTest, AMaskedWordNeedsATypedFirstLetterAndEnoughTypedLetters) {
  const Lexicon lexicon = MaskingLexicon();
  EXPECT_TRUE(MatchedText(lexicon, "f*** off").empty());  // one typed letter fixes nothing
  EXPECT_TRUE(MatchedText(lexicon, "****").empty());
  EXPECT_TRUE(MatchedText(lexicon, "*uck").empty());
  EXPECT_TRUE(MatchedText(lexicon, "n*****r").empty());  // two of seven letters
  EXPECT_TRUE(MatchedText(lexicon, "it costs 5*3").empty());
}

TEST(LexiconTest, FootnoteStarsAndEmphasisAreNoMask) {
  const Lexicon lexicon = MaskingLexicon();
  // A trailing run stands for exactly as many letters: "bit*" is not "bitch".
  EXPECT_TRUE(MatchedText(lexicon, "prices rose a bit* more").empty());
  EXPECT_EQ(MatchedText(lexicon, "bit**"), (std::vector<std::string>{"bit**"}));
  EXPECT_TRUE(MatchedText(lexicon, "a *bit* more, a **bold** claim").empty());
  // Emphasis around a listed word is the plain match.
  EXPECT_EQ(MatchedText(lexicon, "*shit*"), (std::vector<std::string>{"shit"}));
}

TEST(LexiconTest, MildAndMultiWordTermsAreNotMatchedMasked) {
  const Lexicon lexicon = MaskingLexicon();
  EXPECT_TRUE(MatchedText(lexicon, "d*mn").empty());
  EXPECT_TRUE(MatchedText(lexicon, "k*ll yourself").empty());
}

TEST(LexiconTest, MaskedWordsMatchThroughTheNormalizer) {
  const Lexicon lexicon = MaskingLexicon();
  EXPECT_EQ(MatchedText(lexicon, "ｎ＊＊＊ｅｒ"), (std::vector<std::string>{"ｎ＊＊＊ｅｒ"}));
  EXPECT_EQ(MatchedText(lexicon, "N***ER"), (std::vector<std::string>{"N***ER"}));
  EXPECT_EQ(MatchedText(lexicon, "b!t*h"), (std::vector<std::string>{"b!t*h"}));  // leetspeak too
  EXPECT_EQ(MatchedText(lexicon, "с**t"), (std::vector<std::string>{"с**t"}));    // Cyrillic es
  EXPECT_EQ(MatchedText(lexicon, "b•••h"), (std::vector<std::string>{"b•••h"}));
}

TEST(LexiconTest, EmptyTextHasNoMatches) { EXPECT_TRUE(FindIn(Builtin(), "").empty()); }

// --- The built-in lexicons ------------------------------------------------

TEST(LexiconTest, BuiltinLexiconsCoverFourLanguages) {
  EXPECT_GT(Builtin().size(), 700u);
  int per_lang[4] = {0, 0, 0, 0};
  const char* langs[4] = {"en", "ko", "zh", "ja"};
  for (const auto& [name, contents] : BuiltinLexiconFiles()) {
    if (name == "allow.tsv") continue;
    auto entries = Lexicon::ParseEntries(contents, name);
    ASSERT_TRUE(entries.ok()) << entries.status().ToString();
    for (const LexiconEntry& e : *entries) {
      for (int i = 0; i < 4; ++i) per_lang[i] += e.lang == langs[i];
    }
  }
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(langs[i]);
    EXPECT_GE(per_lang[i], 100);
  }
}

// Each entry, written alone as a comment, is found, and found whole: an
// entry that normalizes oddly or whose boundary rule excludes itself would
// silently never match.
TEST(LexiconTest, EveryBuiltinEntryMatchesItsOwnTerm) {
  int entries = 0;
  for (const auto& [name, contents] : BuiltinLexiconFiles()) {
    if (name == "allow.tsv") continue;
    auto parsed = Lexicon::ParseEntries(contents, name);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    for (const LexiconEntry& e : *parsed) {
      SCOPED_TRACE(std::string(name) + ": " + e.term);
      auto matches = FindIn(Builtin(), e.term);
      ASSERT_EQ(matches.size(), 1u);
      EXPECT_EQ(matches[0].span, (text::Span{0, static_cast<uint32_t>(e.term.size())}));
      ++entries;
    }
  }
  EXPECT_GT(entries, 700);
}

// Each allowlist word, written alone, is clean: the words it protects are
// really suppressed (and no other entry hides in it).
TEST(LexiconTest, EveryAllowlistWordIsClean) {
  for (const auto& [name, contents] : BuiltinLexiconFiles()) {
    if (name != "allow.tsv") continue;
    auto words = Lexicon::ParseAllowed(contents, name);
    ASSERT_TRUE(words.ok()) << words.status().ToString();
    EXPECT_GT(words->size(), 100u);
    for (const std::string& w : *words) {
      SCOPED_TRACE(w);
      auto matches = FindIn(Builtin(), w);
      EXPECT_TRUE(matches.empty()) << "found " << matches.front().entry->term;
    }
  }
}

// testdata/lexicon.tsv: "expected<TAB>input". expected is "-" for a clean
// comment, else the matches in text order, comma-separated, each a category
// ("slur") or a category and the entry's term ("abuse:kill yourself").
TEST(LexiconTest, BuiltinLexiconMatchesGoldenFile) {
  const int cases = golden::ForEachLine(
      "testdata/lexicon.tsv", [](const std::string& expected, const std::string& input) {
        std::vector<std::string> want;
        if (expected != "-") {
          std::stringstream items(expected);
          std::string item;
          while (std::getline(items, item, ',')) want.push_back(item);
        }
        auto matches = FindIn(Builtin(), input);
        std::vector<std::string> got;
        for (size_t i = 0; i < matches.size(); ++i) {
          const LexiconEntry& e = *matches[i].entry;
          const std::string category(CategoryName(e.category));
          // Report in the form the expectation uses, so a failure reads as a diff.
          const bool with_term = i < want.size() && want[i].find(':') != std::string::npos;
          got.push_back(with_term ? category + ":" + e.term : category);
        }
        std::string found;
        for (const LexiconMatch& m : matches) {
          found += "[" + input.substr(m.span.begin, m.span.size()) + "]=" + m.entry->term + " ";
        }
        EXPECT_EQ(got, want) << "found: " << found;
      });
  EXPECT_GE(cases, 120);
}

// A finding shows the writer exactly what they typed, whatever the
// normalizer undid.
TEST(LexiconTest, SpanIsExactlyTheOriginalBytes) {
  struct Case {
    std::string original;
    std::string expected;
  };
  const Case cases[] = {
      {"you ｆｕｃｋｉｎｇ clown", "ｆｕｃｋｉｎｇ"},
      {"you n＊＊＊er", "n＊＊＊er"},
      {"you f\u200Bu\u200Bc\u200Bk off", "f\u200Bu\u200Bc\u200Bk"},
      {"total sh1t.", "sh1t"},
      {"bullsh!t", "bullsh!t"},
      {"you are a bitсh", "bitсh"},  // Cyrillic с
      {"kill   yourself", "kill   yourself"},
      {"f u c k you", "f u c k"},
      {"아 씨1발 진짜", "씨1발"},
      {"ㅅㅂ 뭐야", "ㅅㅂ"},
      {"이 ㅂㅅ아", "ㅂㅅ"},
      {"操.你.妈", "操.你.妈"},
      {"お前ｼﾈ", "ｼﾈ"},
      {"Fuuuuuck!", "Fuuuuuck"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.original);
    auto matches = FindIn(Builtin(), c.original);
    ASSERT_EQ(matches.size(), 1u);
    const text::Span span = matches[0].span;
    ASSERT_LE(span.end, c.original.size());
    EXPECT_EQ(c.original.substr(span.begin, span.size()), c.expected);
  }
}

TEST(LexiconTest, FindIsSafeFromManyThreads) {
  const std::vector<std::string> texts = {"fuck off",   "씨발 뭐야",     "操你妈",    "死ね",
                                          "fine words", "kill yourself", "Scunthorpe"};
  std::vector<size_t> expected;
  for (const std::string& t : texts) expected.push_back(FindIn(Builtin(), t).size());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      for (int round = 0; round < 200; ++round) {
        for (size_t i = 0; i < texts.size(); ++i) {
          auto folded = text::TestNormalizer().Fold(texts[i]);
          if (!folded.ok() ||
              Builtin().Find(text::TestNormalizer().Lexical(*folded)).size() != expected[i]) {
            ++mismatches[k];
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int k = 0; k < 4; ++k) EXPECT_EQ(mismatches[k], 0);
  EXPECT_EQ(expected[0], 1u);
  EXPECT_EQ(expected[4], 0u);
}

// Every string of the Big List of Naughty Strings goes through Find, and
// every span it reports lies inside the original on code point boundaries.
TEST(LexiconTest, NaughtyStringsDoNotCrashFind) {
  const std::string path = DataDir() + "/blns-naughty-strings/blns.txt";
  std::ifstream in(path, std::ios::binary);
  if (!in) GTEST_SKIP() << path << " is absent (set COMMENTD_DATA to the shared data folder)";
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    auto folded = text::TestNormalizer().Fold(line);
    if (!folded.ok()) continue;  // invalid UTF-8 never reaches the lexicon
    for (const LexiconMatch& m : Builtin().Find(text::TestNormalizer().Lexical(*folded))) {
      SCOPED_TRACE(line);
      EXPECT_LT(m.span.begin, m.span.end);
      EXPECT_LE(m.span.end, line.size());
      ASSERT_NE(m.entry, nullptr);
    }
  }
  EXPECT_GT(lines, 500);
  // All of them at once, as one comment.
  const std::string all = ReadFile(path);
  auto folded = text::TestNormalizer().Fold(text::ToValidUtf8(all));
  ASSERT_TRUE(folded.ok());
  auto matches = Builtin().Find(text::TestNormalizer().Lexical(*folded));
  for (size_t i = 1; i < matches.size(); ++i) {
    EXPECT_LE(matches[i - 1].span.end, matches[i].span.begin);
  }
}

}  // namespace
}  // namespace commentd::moderation

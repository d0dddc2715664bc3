#include "moderation/ad_detector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "testing/golden.h"
#include "text/utf8.h"

namespace commentd::moderation {
namespace {

struct Engine {
  text::Normalizer normalizer;
  AdDetector detector;
};

const Engine& TheEngine() {
  static const Engine* engine = [] {
    auto normalizer = text::Normalizer::Create();
    if (!normalizer.ok()) {
      std::fprintf(stderr, "%s\n", normalizer.status().ToString().c_str());
      std::abort();
    }
    auto detector = AdDetector::Create(*normalizer);
    if (!detector.ok()) {
      std::fprintf(stderr, "%s\n", detector.status().ToString().c_str());
      std::abort();
    }
    return new Engine{std::move(normalizer).value(), std::move(detector).value()};
  }();
  return *engine;
}

AdAssessment Assess(const std::string& original) {
  const Engine& e = TheEngine();
  auto folded = e.normalizer.Fold(original);
  EXPECT_TRUE(folded.ok()) << folded.status().ToString();
  if (!folded.ok()) return {};
  const text::NormalizedText lexical = e.normalizer.Lexical(*folded);
  return e.detector.Assess(original, *folded, lexical);
}

std::string Describe(const AdAssessment& a) {
  std::ostringstream out;
  out << "score " << a.score;
  for (const AdSignal& s : a.signals) {
    out << "\n  " << s.kind << " [" << s.span.begin << "," << s.span.end << ") \"" << s.match
        << "\" " << s.weight;
  }
  return out.str();
}

// Every line of testdata/ads.tsv: `ad` scores >= 1.0 (deleted by the default
// policy), `weak` is above 0 but under 1.0, `-` scores under 0.6 (published).
// A `-` line may carry a weak signal of its own ("loan" in a debt story);
// what matters to the writer is that it is published.
TEST(AdDetectorTest, ScoresGoldenFile) {
  std::map<std::string, int> counts;
  golden::ForEachLine("testdata/ads.tsv",
                      [&](const std::string& expected, const std::string& input) {
                        const AdAssessment a = Assess(input);
                        if (expected == "ad") {
                          EXPECT_GE(a.score, 1.0) << Describe(a);
                        } else if (expected == "weak") {
                          EXPECT_GT(a.score, 0.0) << Describe(a);
                          EXPECT_LT(a.score, 1.0) << Describe(a);
                        } else if (expected == "-") {
                          EXPECT_LT(a.score, 0.6) << Describe(a);
                        } else {
                          ADD_FAILURE() << "unknown expectation \"" << expected << "\"";
                        }
                        ++counts[expected];
                      });
  EXPECT_GE(counts["ad"], 40);
  EXPECT_GE(counts["weak"], 10);
  EXPECT_GE(counts["-"], 40);
}

TEST(AdDetectorTest, CleanNewsCommentsScoreZero) {
  const char* kComments[] = {
      "The UN Security Council adopted Resolution 2397 on 2017-12-22, capping refined petroleum "
      "imports at 500,000 barrels a year.",
      "See the Panel of Experts report S/2019/171, pages 2017-2019, for the ship-to-ship "
      "transfers.",
      "북한이 2018년 4월 27일 판문점에서 정상회담을 열었다. 참 역사적인 날이었죠.",
      "中国海关数据显示，2019年1月至9月中朝贸易额为21.6亿美元。",
      "北朝鮮は2017年9月3日に6回目の核実験を行った。",
      "ㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋ",
      "666666",
      "哈哈哈哈哈哈哈哈",
      "wwwwwwwww",
      "ㅠㅠㅠㅠㅠ 너무 슬프다",
  };
  for (const char* comment : kComments) {
    SCOPED_TRACE(comment);
    const AdAssessment a = Assess(comment);
    EXPECT_EQ(a.score, 0.0) << Describe(a);
    EXPECT_TRUE(a.signals.empty()) << Describe(a);
  }
}

TEST(AdDetectorTest, KoreanLaughterAndChineseCheerAreNotRepetition) {
  for (const char* comment :
       {"ㅋㅋㅋㅋ", "ㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋ", "666", "666666666666", "888888",
        "ㅎㅎㅎㅎㅎㅎ", "하하하하하하하", "hahahahahahaha"}) {
    SCOPED_TRACE(comment);
    const AdAssessment a = Assess(comment);
    EXPECT_EQ(a.score, 0.0) << Describe(a);
  }
  // The same marks stretched by a seller do count.
  const AdAssessment money = Assess("$$$$$$$$");
  ASSERT_EQ(money.signals.size(), 1u) << Describe(money);
  EXPECT_EQ(money.signals[0].kind, "repetition");
}

TEST(AdDetectorTest, RepeatedSlogansAndWordsAreRepetition) {
  for (const char* comment : {"加微信加微信加微信加微信", "buy buy buy buy", "가입가입가입가입가입",
                              "👉👉👉👉👉 here", "WIN!!!!!!!!!!"}) {
    SCOPED_TRACE(comment);
    const AdAssessment a = Assess(comment);
    bool repetition = false;
    for (const AdSignal& s : a.signals) repetition |= s.kind == "repetition";
    EXPECT_TRUE(repetition) << Describe(a);
  }
  // Three times is emphasis, not a slogan; laughter never counts.
  for (const char* comment : {"대박 대박 대박", "no no no no no", "lololololol", "呵呵呵呵呵呵"}) {
    SCOPED_TRACE(comment);
    EXPECT_EQ(Assess(comment).score, 0.0) << Describe(Assess(comment));
  }
}

// The writer and the moderator must see exactly what was typed, whatever the
// normalizer folded on the way.
TEST(AdDetectorTest, SpansPointToTheOriginalBytes) {
  struct Case {
    std::string original;
    std::string kind;
    std::string expected_match;
  };
  const Case cases[] = {
      {"연락 010-1234-5678 주세요", "phone_number", "010-1234-5678"},
      {"电话：１３８１２３４５６７８", "phone_number", "１３８１２３４５６７８"},
      {"Call +1 (555) 123-4567 today", "phone_number", "+1 (555) 123-4567"},
      {"a ＣＡＳＩＮＯ in town", "spam_keyword", "ＣＡＳＩＮＯ"},
      {"try c@s1no tonight", "spam_keyword", "c@s1no"},
      {"카\u200b지\u200b노 오픈", "spam_keyword", "카\u200b지\u200b노"},
      {"문의는 카톡 abc123 으로", "contact_handle", "카톡 abc123"},
      {"Telegram: @cheap_deals", "contact_handle", "Telegram: @cheap_deals"},
      {"加微信 领取红包", "contact_handle", "加微信"},
      {"副業で月収100万円", "offer:income", "副業で"},
      {"I earn $500 a day from home", "offer:income", "I earn $500 a day"},
      {"BUY!!!!!!!!!!", "repetition", "!!!!!!!!!!"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.original);
    const AdAssessment a = Assess(c.original);
    bool found = false;
    for (const AdSignal& s : a.signals) {
      if (s.kind != c.kind) continue;
      ASSERT_LE(s.span.end, c.original.size());
      EXPECT_EQ(c.original.substr(s.span.begin, s.span.size()), s.match);
      if (s.match == c.expected_match) found = true;
    }
    EXPECT_TRUE(found) << "no " << c.kind << " signal on \"" << c.expected_match << "\"\n"
                       << Describe(a);
  }
}

// The per-language tables report their category, which is what the
// moderator reads in the verdict.
TEST(AdDetectorTest, TableSignalsAreNamedByTheirCategory) {
  const std::pair<std::string, std::string> cases[] = {
      {"Replica bags AAA quality", "offer:replica"},
      {"가입머니 지급 이벤트", "offer:gambling"},
      {"出国劳务 包吃住", "offer:jobs"},
      {"パパ活 募集中", "offer:dating"},
      {"詳しくはプロフ見て", "contact:bio"},
      {"check my bio", "contact:bio"},
  };
  for (const auto& [text, kind] : cases) {
    SCOPED_TRACE(text);
    const AdAssessment a = Assess(text);
    EXPECT_TRUE(std::any_of(a.signals.begin(), a.signals.end(), [&](const AdSignal& s) {
      return s.kind == kind;
    })) << Describe(a);
  }
}

TEST(AdDetectorTest, AContactAndAMediumOfferAreToppedUpToDeletion) {
  // "telegram: @..." is a strong contact (0.5), "we are hiring" a medium
  // offer (0.35): together the shape of an ad.
  const AdAssessment a = Assess("We are hiring, telegram: @jobdesk_asia");
  EXPECT_GE(a.score, 1.0) << Describe(a);
  EXPECT_TRUE(std::any_of(a.signals.begin(), a.signals.end(), [](const AdSignal& s) {
    return s.kind == "contact_x_offer";
  })) << Describe(a);
}

TEST(AdDetectorTest, WeakOffersNeverCombineWithAContact) {
  for (const std::string text :
       {"Loans and visas were the topic, telegram: @newsdesk_kr",
        "비자 문제로 카톡 아이디: reporter01", "签证和贷款的问题，微信：reporter01"}) {
    const AdAssessment a = Assess(text);
    EXPECT_LT(a.score, 1.0) << text << "\n" << Describe(a);
  }
}

TEST(AdDetectorTest, SeveralWeakOffersCountOnceTogether) {
  for (const std::string text :
       {"Loans, visas, jobs, casinos and crypto: the election in one line",
        "대출, 비자, 카지노, 일자리, 투자 문제", "贷款、签证、赌场、工作和投资的问题",
        "ローン、ビザ、カジノ、仕事、投資の話"}) {
    const AdAssessment a = Assess(text);
    EXPECT_LE(a.score, 0.2) << text << "\n" << Describe(a);
  }
}

TEST(AdDetectorTest, APhoneNumberWithAMediumOfferIsWeighedAsBefore) {
  // A ministry's hotline next to a loan word is news: held at most.
  const AdAssessment a = Assess("대출 상담 사기 신고는 금융감독원 1332");
  EXPECT_LT(a.score, 1.0) << Describe(a);
}

// Unbalanced parentheses and stray plus signs around digits once made the
// phone scanner revisit the same byte forever.
TEST(AdDetectorTest, PhoneScannerFinishesOnStrayPunctuation) {
  for (const char* comment : {"(1", "((((1", "+(1", "(555 123-4567", "+", "(", "1(2(3(4",
                              "call (010 1234 5678", "++++82 10 1234 5678", "(((((((((("}) {
    SCOPED_TRACE(comment);
    const AdAssessment a = Assess(comment);
    EXPECT_LT(a.score, 0.6) << Describe(a);
  }
  EXPECT_EQ(Assess("(010) 1234-5678").signals.at(0).kind, "phone_number");
}

// 15 capitals of 20 letters is shouting too.
TEST(AdDetectorTest, ShoutingNeedsSeventyPercentOfTwentyLetters) {
  EXPECT_EQ(Assess("WHY IS THIS ALLOWED here").score, 0.2);  // 16 of 20
  EXPECT_EQ(Assess("WHY IS THIS allowed here").score, 0.0);  // 9 of 20
}

TEST(AdDetectorTest, ShoutingIsReadFromTheOriginalCase) {
  const AdAssessment shout = Assess("THIS IS THE BEST DEAL YOU WILL EVER SEE");
  ASSERT_EQ(shout.signals.size(), 1u) << Describe(shout);
  EXPECT_EQ(shout.signals[0].kind, "shouting");
  EXPECT_EQ(shout.signals[0].match, "THIS IS THE BEST DEAL YOU WILL EVER SEE");
  EXPECT_EQ(Assess("this is the best deal you will ever see").score, 0.0);
  // Acronyms in an ordinary sentence are not shouting.
  EXPECT_EQ(Assess("The UN, the US and the DPRK met in NYC about the ICBM and SLBM tests.").score,
            0.0);
}

TEST(AdDetectorTest, ScoreIsTheSumOfTheReportedWeights) {
  for (const char* comment :
       {"카지노 바카라 토토사이트 먹튀검증 카톡 abc123 010-1234-5678",
        "CASINO CASINO CASINO CASINO BONUS!!!!!!!!!! call 010-9999-8888 or 010-7777-6543",
        "加微信 vx: abc12345 日赚500 兼职 刷单 代开发票 13812345678"}) {
    SCOPED_TRACE(comment);
    const AdAssessment a = Assess(comment);
    double sum = 0;
    for (const AdSignal& s : a.signals) sum += s.weight;
    EXPECT_NEAR(a.score, sum, 1e-9) << Describe(a);
    EXPECT_GE(a.score, 1.0) << Describe(a);
  }
}

// One kind, however often repeated, can at most have a comment held.
TEST(AdDetectorTest, OneKindAloneIsCappedBelowDeletion) {
  const std::string comments[] = {
      "casino casino casino casino casino casino casino casino casino casino",
      "카지노 바카라 파워볼 릴게임 출장안마 조건만남",
      "010-1234-5678 010-2345-6789 010-3456-7890 010-4567-8901",
      "!!!!!!!!!! ?????????? $$$$$$ !!!!!!!!!!",
  };
  for (const std::string& comment : comments) {
    SCOPED_TRACE(comment);
    const AdAssessment a = Assess(comment);
    EXPECT_GT(a.score, 0.0) << Describe(a);
    EXPECT_LT(a.score, 1.0) << Describe(a);
  }
}

TEST(AdDetectorTest, OneWeakSignalStaysUnderTheHoldThreshold) {
  for (const char* comment : {"China's loans to North Korea will never be repaid.",
                              "Call the hotline at 02-123-4567 if you see anything.",
                              "Macau casinos laundered the regime's money for years.",
                              "북한은 중국 대출에 의존하고 있다"}) {
    SCOPED_TRACE(comment);
    const AdAssessment a = Assess(comment);
    EXPECT_GT(a.score, 0.0) << Describe(a);
    EXPECT_LT(a.score, 0.6) << Describe(a);
  }
}

TEST(AdDetectorTest, GivesTheSameAnswerFromManyThreads) {
  const std::string comment = "카톡 abc123 문의 고수익 부업 010-1234-5678";
  const AdAssessment expected = Assess(comment);
  const Engine& e = TheEngine();
  auto folded = e.normalizer.Fold(comment);
  ASSERT_TRUE(folded.ok());
  const text::NormalizedText lexical = e.normalizer.Lexical(*folded);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const AdAssessment a = e.detector.Assess(comment, *folded, lexical);
        if (a.score != expected.score || a.signals.size() != expected.signals.size()) {
          ++mismatches[static_cast<size_t>(t)];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
  EXPECT_GE(expected.score, 1.0) << Describe(expected);
}

// ---------------------------------------------------------------------------
// Public spam corpora (English): how far the rule signals alone get.

std::string DataDir() {
  if (const char* env = std::getenv("COMMENTD_DATA")) return env;
  return COMMENTD_SOURCE_DIR "/../shared/data";
}

// YouTube comments keep a few HTML entities; decode the common ones.
std::string DecodeEntities(std::string s) {
  const std::pair<const char*, const char*> kEntities[] = {{"&amp;", "&"},   {"&#39;", "'"},
                                                           {"&quot;", "\""}, {"&lt;", "<"},
                                                           {"&gt;", ">"},    {"<br />", " "}};
  for (auto [from, to] : kEntities) {
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + std::strlen(to))) {
      s.replace(p, std::strlen(from), to);
    }
  }
  return s;
}

// RFC 4180 records: quoted fields may hold commas, quotes and newlines.
std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string s = buffer.str();
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

struct Tally {
  int spam = 0, ham = 0;
  int spam_flagged = 0, ham_flagged = 0;
  int spam_held = 0, spam_deleted = 0, ham_held = 0, ham_deleted = 0;
  void Add(bool is_spam, double score) {
    (is_spam ? spam : ham) += 1;
    if (score > 0) (is_spam ? spam_flagged : ham_flagged) += 1;
    if (score >= 0.6) (is_spam ? spam_held : ham_held) += 1;
    if (score >= 1.0) (is_spam ? spam_deleted : ham_deleted) += 1;
  }
  double Rate(int n, int d) const { return d == 0 ? 0 : static_cast<double>(n) / d; }
  void Print(const char* name) const {
    if (spam == 0) {
      std::printf("[ %s ] %d comments | any signal %.4f held(>=0.6) %.4f deleted(>=1.0) %.4f\n",
                  name, ham, Rate(ham_flagged, ham), Rate(ham_held, ham), Rate(ham_deleted, ham));
      return;
    }
    std::printf(
        "[ %s ] spam %d ham %d | recall any(>0) %.3f hold(>=0.6) %.3f delete(>=1.0) %.3f | "
        "FPR any %.4f hold %.4f delete %.4f\n",
        name, spam, ham, Rate(spam_flagged, spam), Rate(spam_held, spam), Rate(spam_deleted, spam),
        Rate(ham_flagged, ham), Rate(ham_held, ham), Rate(ham_deleted, ham));
  }
};

TEST(AdDetectorTest, ReportsRecallAndFalsePositivesOnYoutubeSpam) {
  const std::string dir = DataDir() + "/youtube-spam-collection";
  if (!std::filesystem::exists(dir)) {
    GTEST_SKIP() << dir << " is absent (set COMMENTD_DATA to the shared data folder)";
  }
  Tally tally;
  for (const char* file : {"Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv"}) {
    const auto rows = ReadCsv(dir + "/" + file);
    ASSERT_GT(rows.size(), 100u) << file;
    for (size_t r = 1; r < rows.size(); ++r) {
      if (rows[r].size() != 5) continue;
      const std::string content = DecodeEntities(rows[r][3]);
      auto folded = TheEngine().normalizer.Fold(content);
      if (!folded.ok()) continue;
      const AdAssessment a =
          TheEngine().detector.Assess(content, *folded, TheEngine().normalizer.Lexical(*folded));
      tally.Add(rows[r][4] == "1", a.score);
    }
  }
  tally.Print("youtube-spam-collection");
  EXPECT_EQ(tally.spam + tally.ham, 1138);
  // Floors a little under what was measured (any 0.538, hold 0.113, ham
  // held 0.000). Most of this spam is a bare link, which is the link rule's
  // job, or a single "check out this video", which alone is not held.
  EXPECT_GE(tally.Rate(tally.spam_flagged, tally.spam), 0.50);
  EXPECT_GE(tally.Rate(tally.spam_held, tally.spam), 0.10);
  EXPECT_LE(tally.Rate(tally.ham_held, tally.ham), 0.01);
  EXPECT_LE(tally.Rate(tally.ham_deleted, tally.ham), 0.005);
}

TEST(AdDetectorTest, ReportsRecallAndFalsePositivesOnSmsSpam) {
  const std::string path = DataDir() + "/sms-spam-collection/SMSSpamCollection.tsv";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << path << " is absent (set COMMENTD_DATA to the shared data folder)";
  Tally tally;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const std::string label = line.substr(0, tab);
    const std::string content = line.substr(tab + 1);
    auto folded = TheEngine().normalizer.Fold(content);
    if (!folded.ok()) continue;
    const AdAssessment a =
        TheEngine().detector.Assess(content, *folded, TheEngine().normalizer.Lexical(*folded));
    tally.Add(label == "spam", a.score);
  }
  tally.Print("sms-spam-collection");
  EXPECT_GT(tally.spam, 700);
  // Floors a little under what was measured (any 0.810, hold 0.390, delete
  // 0.248; ham: any 0.026, held 0.0002). Much of this spam is a premium
  // number and a prize, which the rules see; the rest is chat-speak offers.
  EXPECT_GE(tally.Rate(tally.spam_flagged, tally.spam), 0.75);
  EXPECT_GE(tally.Rate(tally.spam_held, tally.spam), 0.35);
  EXPECT_GE(tally.Rate(tally.spam_deleted, tally.spam), 0.20);
  EXPECT_LT(tally.Rate(tally.ham_flagged, tally.ham), 0.03);
  EXPECT_LE(tally.Rate(tally.ham_held, tally.ham), 0.005);
  EXPECT_LE(tally.Rate(tally.ham_deleted, tally.ham), 0.002);
}

// The value of a string field in one line of JSON ("text": "..."), with the
// escapes JSON allows; empty when absent.
std::string JsonStringField(const std::string& line, const std::string& field) {
  const std::string key = "\"" + field + "\": \"";
  size_t p = line.find(key);
  if (p == std::string::npos) return "";
  p += key.size();
  std::string out;
  while (p < line.size() && line[p] != '"') {
    if (line[p] != '\\' || p + 1 >= line.size()) {
      out.push_back(line[p++]);
      continue;
    }
    const char e = line[p + 1];
    p += 2;
    if (e == 'n' || e == 't' || e == 'r') {
      out.push_back(' ');
    } else if (e == 'u' && p + 4 <= line.size()) {
      char32_t cp = static_cast<char32_t>(std::stoul(line.substr(p, 4), nullptr, 16));
      p += 4;
      if (cp >= 0xD800 && cp <= 0xDBFF && line.compare(p, 2, "\\u") == 0 && p + 6 <= line.size()) {
        const auto low = static_cast<char32_t>(std::stoul(line.substr(p + 2, 4), nullptr, 16));
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        p += 6;
      }
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
      text::AppendUtf8(cp, &out);
    } else {
      out.push_back(e);
    }
  }
  return out;
}

// News comments in the three languages of the site (Korean news comments,
// Chinese social-media comments, Fox News comments), labelled for hate and
// offence, not for ads: almost none is an ad, so what the rules hold or
// delete there is a false positive.
TEST(AdDetectorTest, ReportsFalsePositivesOnNewsComments) {
  const std::string dir = DataDir();
  if (!std::filesystem::exists(dir + "/kmhas-korean-news-hate")) {
    GTEST_SKIP() << dir << " holds no news comment corpora (set COMMENTD_DATA)";
  }
  struct Corpus {
    const char* name;
    std::vector<std::string> comments;
  };
  std::vector<Corpus> corpora;
  {
    Corpus ko{"kmhas-korean-news-hate (ko)", {}};
    std::ifstream in(dir + "/kmhas-korean-news-hate/kmhas_valid.txt");
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) ko.comments.push_back(line.substr(0, line.find('\t')));
    corpora.push_back(std::move(ko));
  }
  {
    Corpus zh{"cold-chinese-offensive dev (zh)", {}};
    const auto rows = ReadCsv(dir + "/cold-chinese-offensive/dev.csv");
    for (size_t r = 1; r < rows.size(); ++r) {
      if (rows[r].size() == 5) zh.comments.push_back(rows[r][4]);
    }
    corpora.push_back(std::move(zh));
  }
  {
    Corpus en{"fox-news-hate-comments (en)", {}};
    std::ifstream in(dir + "/fox-news-hate-comments/fox-news-comments.json");
    std::string line;
    while (std::getline(in, line)) en.comments.push_back(JsonStringField(line, "text"));
    corpora.push_back(std::move(en));
  }
  // The comment sets added later (news and social comments in the four
  // languages, none of them ads); each is read when present.
  auto add_csv = [&](const char* name, const std::string& path, size_t column) {
    if (!std::filesystem::exists(path)) return;
    Corpus c{name, {}};
    const auto rows = ReadCsv(path);
    for (size_t r = 1; r < rows.size(); ++r) {
      if (rows[r].size() > column) c.comments.push_back(rows[r][column]);
    }
    corpora.push_back(std::move(c));
  };
  add_csv("en-toxic-spans-civil (en)", dir + "/en-toxic-spans-civil/data/comments.csv", 1);
  add_csv("ko-apeach (ko)", dir + "/ko-apeach/APEACH/test.csv", 0);
  add_csv("zh-swsr (zh)", dir + "/zh-swsr/SWSR/SexComment.csv", 2);
  add_csv("ja-inspection-ai-toxic (ja)", dir + "/ja-inspection-ai-toxic/data/subset.csv", 1);
  for (const Corpus& corpus : corpora) {
    SCOPED_TRACE(corpus.name);
    ASSERT_GT(corpus.comments.size(), 400u);
    Tally tally;
    for (const std::string& comment : corpus.comments) {
      auto folded = TheEngine().normalizer.Fold(comment);
      if (!folded.ok()) continue;
      tally.Add(false,
                TheEngine()
                    .detector.Assess(comment, *folded, TheEngine().normalizer.Lexical(*folded))
                    .score);
    }
    tally.Print(corpus.name);
    // Measured: any signal on 0.05-0.4% (ko), 0.6-1.7% (zh), 1.9-2.7% (en,
    // mostly shouting), 0.5% (ja); held 3 of 8,969 Weibo comments
    // (surrogacy and click-farming talk, "加我好友联系我" in sarcasm: the
    // older keyword and handle tables), deleted none.
    EXPECT_LT(tally.Rate(tally.ham_flagged, tally.ham), 0.04);
    EXPECT_LE(tally.Rate(tally.ham_held, tally.ham), 0.001);
    EXPECT_EQ(tally.ham_deleted, 0);
  }
}

// Whatever the text, every span lies inside it and names its exact bytes,
// and the score is the sum of the weights. Run over the Big List of Naughty
// Strings (and each of them doubled, tripled and glued to an ad).
TEST(AdDetectorTest, KeepsItsContractOnNaughtyStrings) {
  const std::string path = DataDir() + "/blns-naughty-strings/blns.txt";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << path << " is absent (set COMMENTD_DATA to the shared data folder)";
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    for (const std::string& text :
         {line, line + line + line, line + " 카톡 abc123 010-1234-5678 " + line}) {
      auto folded = TheEngine().normalizer.Fold(text);
      if (!folded.ok()) continue;
      const AdAssessment a =
          TheEngine().detector.Assess(text, *folded, TheEngine().normalizer.Lexical(*folded));
      double sum = 0;
      for (const AdSignal& s : a.signals) {
        ASSERT_LT(s.span.begin, s.span.end) << text;
        ASSERT_LE(s.span.end, text.size()) << text;
        EXPECT_EQ(text.substr(s.span.begin, s.span.size()), s.match) << text;
        EXPECT_GE(s.weight, 0.0) << text;
        sum += s.weight;
      }
      EXPECT_NEAR(a.score, sum, 1e-6) << text;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

}  // namespace
}  // namespace commentd::moderation

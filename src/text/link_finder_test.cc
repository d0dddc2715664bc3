#include "text/link_finder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "text/normalizer.h"
#include "text/utf8.h"

namespace commentd::text {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return parts;
    start = pos + 1;
  }
}

// Undoes the escapes our .tsv files use for invisible characters:
// \n, \t, \\ and \uXXXX.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char c = s[++i];
    if (c == 'n') {
      out.push_back('\n');
    } else if (c == 't') {
      out.push_back('\t');
    } else if (c == 'u' && i + 4 < s.size()) {
      AppendUtf8(static_cast<char32_t>(std::stoul(s.substr(i + 1, 4), nullptr, 16)), &out);
      i += 4;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The directory of the shared data sets, or "" when absent.
std::string DataDir() {
  if (const char* env = std::getenv("COMMENTD_DATA"); env != nullptr && *env != '\0') return env;
  const std::string dir = COMMENTD_SOURCE_DIR "/../shared/data";
  return std::ifstream(dir + "/README.md").good() ? dir : "";
}

class LinkFinderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto normalizer = Normalizer::Create();
    ASSERT_TRUE(normalizer.ok()) << normalizer.status().ToString();
    auto finder = LinkFinder::Create();
    ASSERT_TRUE(finder.ok()) << finder.status().ToString();
    normalizer_ = std::make_unique<Normalizer>(std::move(normalizer).value());
    finder_ = std::make_unique<LinkFinder>(std::move(finder).value());
  }
  static void TearDownTestSuite() {
    finder_.reset();
    normalizer_.reset();
  }

  std::vector<Link> Find(const std::string& original) const {
    auto folded = normalizer_->Fold(original);
    EXPECT_TRUE(folded.ok()) << folded.status().ToString();
    if (!folded.ok()) return {};
    auto links = finder_->Find(*folded, original);
    // Contract checks that hold for every call.
    uint32_t last_end = 0;
    for (const Link& link : links) {
      EXPECT_LE(last_end, link.span.begin) << "links overlap or are out of order";
      EXPECT_LT(link.span.begin, link.span.end);
      EXPECT_LE(link.span.end, original.size());
      EXPECT_FALSE(link.host.empty());
      last_end = link.span.end;
    }
    return links;
  }

  std::vector<std::string> Hosts(const std::string& original) const {
    std::vector<std::string> hosts;
    for (const Link& link : Find(original)) hosts.push_back(link.host);
    return hosts;
  }

  // The host of a URL as the conformance suites write it, folded like our
  // input so that "ELPAÍS.com" compares with what we report.
  std::string HostOf(const std::string& url) const {
    auto folded = normalizer_->Fold(url);
    std::string s = folded.ok() ? folded->text() : url;
    if (const size_t p = s.find("://"); p != std::string::npos) {
      s = s.substr(p + 3);
    } else if (s.rfind("//", 0) == 0) {
      s = s.substr(2);
    } else if (s.rfind("mailto:", 0) == 0) {
      s = s.substr(7);
    }
    const size_t path = s.find_first_of("/?#");
    if (const size_t at = s.rfind('@', path); at != std::string::npos) s = s.substr(at + 1);
    s = s.substr(0, s.find_first_of("/?#:"));
    return s;
  }

  static std::unique_ptr<Normalizer> normalizer_;
  static std::unique_ptr<LinkFinder> finder_;
};

std::unique_ptr<Normalizer> LinkFinderTest::normalizer_;
std::unique_ptr<LinkFinder> LinkFinderTest::finder_;

// ---------------------------------------------------------------------------
// Golden table

TEST_F(LinkFinderTest, FindsExactlyTheLinksInTheGoldenTable) {
  const std::string text = ReadFile(COMMENTD_SOURCE_DIR "/testdata/links.tsv");
  ASSERT_FALSE(text.empty()) << "testdata/links.tsv is missing";
  int cases = 0;
  for (const std::string& line : SplitLines(text)) {
    if (line.empty() || line[0] == '#') continue;
    SCOPED_TRACE(line);
    const size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << "expected<TAB>input";
    const std::string expected = line.substr(0, tab);
    const std::string input = Unescape(line.substr(tab + 1));
    std::vector<std::string> want_hosts;
    std::vector<bool> want_disguised;
    if (expected != "-") {
      for (std::string host : Split(expected, '|')) {
        const bool disguised = !host.empty() && host.back() == '~';
        if (disguised) host.pop_back();
        want_hosts.push_back(host);
        want_disguised.push_back(disguised);
      }
    }
    const std::vector<Link> links = Find(input);
    std::vector<std::string> got_hosts;
    std::vector<bool> got_disguised;
    for (const Link& link : links) {
      got_hosts.push_back(link.host);
      got_disguised.push_back(link.disguised);
    }
    EXPECT_EQ(got_hosts, want_hosts);
    if (got_hosts == want_hosts) {
      EXPECT_EQ(got_disguised, want_disguised) << "disguised flags";
    }
    ++cases;
  }
  EXPECT_GE(cases, 80);
}

// ---------------------------------------------------------------------------
// Spans, urls, flags

TEST_F(LinkFinderTest, SpansMapBackToTheBytesTheWriterTyped) {
  struct Case {
    std::string input;
    std::string typed;  // the exact bytes the span must cover
  };
  const std::vector<Case> cases = {
      {"보세요 ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ 지금",
       "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ"},
      {"go to exa\u200bmple.c\u200dom now", "exa\u200bmple.c\u200dom"},
      {"site: e x a m p l e . c o m !!", "e x a m p l e . c o m"},
      {"h t t p s : / / spam.xyz/a ok", "h t t p s : / / spam.xyz/a"},
      {"연락은 example닷컴 으로", "example닷컴"},
      {"打开example点com看看", "example点com"},
      {"see example (dot) com.", "example (dot) com"},
      {"(http://en.wikipedia.org/wiki/Primer_(film))",
       "http://en.wikipedia.org/wiki/Primer_(film)"},
      {"Ｗｗｗ．Ｅｘａｍｐｌｅ．ｃｏ．ｋｒ에 가입", "Ｗｗｗ．Ｅｘａｍｐｌｅ．ｃｏ．ｋｒ"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    const std::vector<Link> links = Find(c.input);
    ASSERT_EQ(links.size(), 1u);
    EXPECT_EQ(c.input.substr(links[0].span.begin, links[0].span.size()), c.typed);
  }
}

TEST_F(LinkFinderTest, UndoesDisguisesInTheUrl) {
  struct Case {
    std::string input;
    std::string url;
    LinkKind kind;
  };
  const std::vector<Case> cases = {
      {"hxxps://evil.example.org/x", "https://evil.example.org/x", LinkKind::kUrl},
      {"h**p://spam.xyz", "http://spam.xyz", LinkKind::kUrl},
      {"ttp://spam.xyz/abc", "http://spam.xyz/abc", LinkKind::kUrl},
      {"http:spam.xyz", "http://spam.xyz", LinkKind::kUrl},
      {"example [dot] com", "example.com", LinkKind::kBareDomain},
      {"www dot example dot com/a", "www.example.com/a", LinkKind::kWww},
      {"e x a m p l e . c o m", "example.com", LinkKind::kBareDomain},
      {"example닷컴", "example.com", LinkKind::kBareDomain},
      {"http://10.0.0.1/admin", "http://10.0.0.1/admin", LinkKind::kIpAddress},
      {"10.0.0.1:8080", "10.0.0.1:8080", LinkKind::kIpAddress},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    const std::vector<Link> links = Find(c.input);
    ASSERT_EQ(links.size(), 1u);
    EXPECT_EQ(links[0].url, c.url);
    EXPECT_EQ(links[0].kind, c.kind) << LinkKindName(links[0].kind);
    EXPECT_TRUE(links[0].disguised || c.kind == LinkKind::kIpAddress);
  }
}

TEST_F(LinkFinderTest, ReportsEmailAddressesAsTheirOwnKind) {
  const std::vector<Link> links = Find("write to John.Doe+news@Example.co.kr or visit example.com");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].kind, LinkKind::kEmail);
  EXPECT_EQ(links[0].host, "example.co.kr");
  EXPECT_EQ(links[0].url, "john.doe+news@example.co.kr");
  EXPECT_EQ(links[1].kind, LinkKind::kBareDomain);
  EXPECT_EQ(LinkKindName(LinkKind::kEmail), "email");
}

TEST_F(LinkFinderTest, PlainLinksAreNotDisguisedAndCaseIsNotADisguise) {
  for (const std::string input : {"HTTP://GOOGLE.COM", "Example.com", "https://Example.com/A"}) {
    SCOPED_TRACE(input);
    const std::vector<Link> links = Find(input);
    ASSERT_EQ(links.size(), 1u);
    EXPECT_FALSE(links[0].disguised);
  }
}

TEST_F(LinkFinderTest, MarksShortenersButNotTheirLookalikes) {
  const std::vector<Link> links =
      Find("bit.ly/x1 t.co/abc www.bit.ly/y me2.do kko.to/z notbit.ly example.com");
  std::map<std::string, bool> shortener;
  for (const Link& link : links) shortener[link.host] = link.shortener;
  EXPECT_EQ(shortener, (std::map<std::string, bool>{{"bit.ly", true},
                                                    {"t.co", true},
                                                    {"www.bit.ly", true},
                                                    {"me2.do", true},
                                                    {"kko.to", true},
                                                    {"notbit.ly", false},
                                                    {"example.com", false}}));
}

TEST_F(LinkFinderTest, TitleCaseAfterTheDotIsProseOnlyWhenTheOriginalIsGiven) {
  const std::string original = "He met Mr.Kim in Korea.It was cold";
  auto folded = normalizer_->Fold(original);
  ASSERT_TRUE(folded.ok());
  EXPECT_THAT(finder_->Find(*folded, original), IsEmpty());
  // Without the original the folded view cannot show the case.
  const std::vector<Link> blind = finder_->Find(*folded);
  ASSERT_EQ(blind.size(), 1u);
  EXPECT_EQ(blind[0].host, "korea.it");
}

TEST_F(LinkFinderTest, TitleCaseSuffixThatIsNoWordIsStillALink) {
  const std::string original = "Play at BestCasino.Com tonight";
  auto folded = normalizer_->Fold(original);
  ASSERT_TRUE(folded.ok());
  const std::vector<Link> links = finder_->Find(*folded, original);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].host, "bestcasino.com");
}

TEST_F(LinkFinderTest, CjkFullStopBeforeAnUnknownCaseIsASentenceEndWithoutTheOriginal) {
  const std::string original = "昨天看了MLB。TV转播, 가입은 NAVER。COM 에서, example。kr";
  auto folded = normalizer_->Fold(original);
  ASSERT_TRUE(folded.ok());
  std::vector<std::string> with_original, folded_only;
  for (const Link& link : finder_->Find(*folded, original)) with_original.push_back(link.host);
  for (const Link& link : finder_->Find(*folded)) folded_only.push_back(link.host);
  EXPECT_THAT(with_original, ElementsAre("naver.com", "example.kr"));
  EXPECT_THAT(folded_only, ElementsAre("naver.com"));
}

TEST_F(LinkFinderTest, OneFinderServesManyThreadsWithTheSameAnswers) {
  std::vector<std::string> inputs;
  std::vector<NormalizedText> folded;
  for (const std::string& line : SplitLines(ReadFile(COMMENTD_SOURCE_DIR "/testdata/links.tsv"))) {
    const size_t tab = line.find('\t');
    if (line.empty() || line[0] == '#' || tab == std::string::npos) continue;
    inputs.push_back(Unescape(line.substr(tab + 1)));
    auto f = normalizer_->Fold(inputs.back());
    ASSERT_TRUE(f.ok());
    folded.push_back(std::move(f).value());
  }
  ASSERT_FALSE(inputs.empty());
  const auto hosts_of = [&](size_t i) {
    std::string hosts;
    for (const Link& link : finder_->Find(folded[i], inputs[i])) hosts += link.host + "|";
    return hosts;
  };
  std::vector<std::string> expected;
  for (size_t i = 0; i < inputs.size(); ++i) expected.push_back(hosts_of(i));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < inputs.size(); ++i)
          mismatches[t] += hosts_of(i) != expected[i] ? 1 : 0;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(mismatches, ElementsAre(0, 0, 0, 0));
}

TEST_F(LinkFinderTest, LinksAroundRightToLeftOverridesStayOrderedAndApart) {
  // The first is a fuzzer find (testdata/fuzz/link_finder/crash_issue12_override_overlap):
  // a link read across the edge of a reversed run overlapped the next one.
  const std::string inputs[] = {
      std::string("si\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000"
                  "\000\000\000\000\000\000\000\000\000\002\000\000\000\000http://[::1]:80/"
                  "\342\200\256moc.httpp:/[::1]http://fb.me%\000p://ad[.]se/evil.ex\013oom",
                  107),
      "http://a.com/\u202Emoc.b//:ptth http://c.com\u202C d.com",
      "\u202Emoc.a moc.b\u202C and \u202E\u202Aten.c\u202C\u202C",
  };
  for (const std::string& original : inputs) {
    SCOPED_TRACE(original);
    auto folded = normalizer_->Fold(original);
    if (!folded.ok()) continue;
    const std::vector<Link> links = finder_->Find(*folded, original);
    uint32_t last_end = 0;
    for (const Link& link : links) {
      EXPECT_LE(last_end, link.span.begin) << link.host;
      EXPECT_LT(link.span.begin, link.span.end);
      EXPECT_LE(link.span.end, original.size());
      last_end = link.span.end;
    }
  }
}

TEST_F(LinkFinderTest, ReturnsNothingForEmptyAndLinklessText) {
  EXPECT_THAT(Find(""), IsEmpty());
  EXPECT_THAT(Find("   "), IsEmpty());
  EXPECT_THAT(Find("북한은 2018-04-05에 3.5%를 발표했다."), IsEmpty());
}

TEST_F(LinkFinderTest, ScansPathologicalInputWithoutLosingLinks) {
  // Long runs that a backtracking matcher chokes on; the scan is linear.
  std::string input(20000, '.');
  input += " a.";
  for (int i = 0; i < 5000; ++i) input += "a.";
  input += " http://example.com/" + std::string(20000, '(') + " x.com/" + std::string(5000, ')');
  input += " " + std::string(10000, 'w') + ".com e x a m p l e";
  for (int i = 0; i < 3000; ++i) input += " (dot) x";
  EXPECT_THAT(Hosts(input), ElementsAre("example.com", "x.com"));
}

TEST_F(LinkFinderTest, KeepsItsContractOnTheBigListOfNaughtyStrings) {
  const std::string data = DataDir();
  if (data.empty()) GTEST_SKIP() << "shared data sets not found (set COMMENTD_DATA); BLNS not run";
  const std::string text = ReadFile(data + "/blns-naughty-strings/blns.json");
  ASSERT_FALSE(text.empty()) << "blns-naughty-strings/blns.json is missing";
  const auto strings = nlohmann::json::parse(text);
  ASSERT_GE(strings.size(), 500u);
  int links = 0;
  for (const auto& value : strings) {
    const std::string input = value.get<std::string>();
    SCOPED_TRACE(input);
    // Find() checks order, overlap and bounds of every span.
    links += static_cast<int>(Find(input).size());
    links += static_cast<int>(Find(input + " http://example.com/" + input).size());
  }
  // Every string got a link appended; naughty text around it must not hide it.
  EXPECT_GE(links, static_cast<int>(strings.size()));
}

// ---------------------------------------------------------------------------
// Conformance with public link-detection suites (see
// testdata/links_conformance_exceptions.tsv for where we disagree on purpose).

struct ConformanceCase {
  std::string source;  // "twitter", "linkify-links", "linkify-not-links"
  std::string input;
  std::vector<std::string> expected_urls;  // empty: no link
  bool first_only = false;                 // linkify: only the first match is given
};

std::vector<ConformanceCase> ReadTwitterCases(const std::string& path) {
  std::vector<ConformanceCase> cases;
  bool in_urls = false;
  std::string text;
  for (const std::string& line : SplitLines(ReadFile(path))) {
    if (line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ' && line.back() == ':') {
      in_urls = line == "  urls:";
      continue;
    }
    if (!in_urls) continue;
    const size_t text_pos = line.find("text: ");
    const size_t expected_pos = line.find("expected: ");
    if (text_pos != std::string::npos && line.find_first_not_of(' ') == text_pos) {
      // YAML double-quoted scalars use JSON's escapes in this file.
      text = nlohmann::json::parse(line.substr(text_pos + 6)).get<std::string>();
    } else if (expected_pos != std::string::npos && line.find_first_not_of(' ') == expected_pos) {
      ConformanceCase c{"twitter", text, {}, false};
      for (const auto& url : nlohmann::json::parse(line.substr(expected_pos + 10))) {
        c.expected_urls.push_back(url.get<std::string>());
      }
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// linkify-it's links.txt: an input line, then its expected first link on the
// next line, or a blank line when the whole input is the link.
std::vector<ConformanceCase> ReadLinkifyLinks(const std::string& path) {
  std::vector<ConformanceCase> cases;
  const std::vector<std::string> lines = SplitLines(ReadFile(path));
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string line = Trim(lines[i]);
    if (line.empty() || line[0] == '%') continue;
    const std::string next = i + 1 < lines.size() ? Trim(lines[i + 1]) : "";
    ConformanceCase c{"linkify-links", line, {next.empty() ? line : next}, true};
    if (!next.empty()) ++i;
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<ConformanceCase> ReadLinkifyNotLinks(const std::string& path) {
  std::vector<ConformanceCase> cases;
  for (const std::string& raw : SplitLines(ReadFile(path))) {
    const std::string line = Trim(raw);
    if (line.empty() || line[0] == '%') continue;
    cases.push_back(ConformanceCase{"linkify-not-links", line, {}, false});
  }
  return cases;
}

// source -> inputs we disagree with on purpose.
std::map<std::string, std::set<std::string>> ReadExceptions() {
  std::map<std::string, std::set<std::string>> exceptions;
  const std::string text =
      ReadFile(COMMENTD_SOURCE_DIR "/testdata/links_conformance_exceptions.tsv");
  for (const std::string& line : SplitLines(text)) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> fields = Split(line, '\t');
    EXPECT_EQ(fields.size(), 3u) << "source<TAB>input<TAB>reason: " << line;
    if (fields.size() != 3) continue;
    EXPECT_FALSE(Trim(fields[2]).empty()) << "an exception needs a reason: " << line;
    exceptions[fields[0]].insert(Unescape(fields[1]));
  }
  return exceptions;
}

TEST_F(LinkFinderTest, AgreesWithPublicConformanceSuitesExceptWhereDocumented) {
  const std::string data = DataDir();
  if (data.empty()) {
    GTEST_SKIP() << "shared data sets not found (set COMMENTD_DATA or place them at "
                    "../shared/data); conformance not checked";
  }
  std::vector<ConformanceCase> cases =
      ReadTwitterCases(data + "/twitter-text-conformance/extract.yml");
  const size_t twitter = cases.size();
  for (auto& c : ReadLinkifyLinks(data + "/linkify-it-fixtures/links.txt")) cases.push_back(c);
  for (auto& c : ReadLinkifyNotLinks(data + "/linkify-it-fixtures/not_links.txt"))
    cases.push_back(c);
  ASSERT_GE(twitter, 80u) << "could not parse the urls section of extract.yml";
  ASSERT_GE(cases.size() - twitter, 150u) << "could not parse the linkify-it fixtures";

  std::map<std::string, std::set<std::string>> exceptions = ReadExceptions();
  std::map<std::string, int> total, agreed, excepted;
  for (const ConformanceCase& c : cases) {
    SCOPED_TRACE(c.source + ": " + c.input);
    std::vector<std::string> want;
    for (const std::string& url : c.expected_urls) want.push_back(HostOf(url));
    std::vector<std::string> got = Hosts(c.input);
    if (c.first_only && got.size() > 1) got.resize(1);
    const bool agree = got == want;
    ++total[c.source];
    const auto it = exceptions[c.source].find(c.input);
    if (it != exceptions[c.source].end()) {
      ++excepted[c.source];
      // A listed case that we now agree with is a stale entry.
      EXPECT_FALSE(agree) << "listed as an exception but we agree; remove it";
      exceptions[c.source].erase(it);
      continue;
    }
    if (agree) ++agreed[c.source];
    EXPECT_EQ(got, want);
  }
  for (const auto& [source, rest] : exceptions) {
    for (const std::string& input : rest) {
      ADD_FAILURE() << "exception matches no case in " << source << ": " << input;
    }
  }
  int all = 0, all_agreed = 0;
  for (const auto& [source, n] : total) {
    std::cout << "[ conformance ] " << source << ": agree " << agreed[source] << " / " << n
              << ", documented disagreements " << excepted[source] << "\n";
    all += n;
    all_agreed += agreed[source];
  }
  std::cout << "[ conformance ] overall: agree " << all_agreed << " / " << all << "\n";
  // Documented disagreements are policy, but they must stay the exception.
  EXPECT_GE(all_agreed * 10, all * 9) << "agreement fell under 90%";
}

}  // namespace
}  // namespace commentd::text

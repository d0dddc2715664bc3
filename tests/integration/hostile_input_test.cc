// Hostile input through the HTTP API, against an in-process server: every
// string of the Big List of Naughty Strings as author and as text (never a
// 5xx; stored and returned byte for byte, or refused with a clear 4xx JSON
// error), JSON nested 100,000 deep, oversized request lines and headers,
// bodies that are not declared JSON, and a slowloris client that trickles
// its headers. The naughty strings are read from the data folder at test
// time (COMMENTD_DATA, else ../shared/data); the test skips without it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "comments/services.h"
#include "http/server.h"
#include "moderation/moderator.h"
#include "tests/integration/http_client.h"
#include "tests/integration/local_server.h"
#include "tests/integration/test_support.h"

namespace commentd {
namespace {

using nlohmann::json;
using testing::EncodePathSegment;
using testing::HttpResponse;
using testing::RawConnection;
using testing::RawRequest;

// The strings of blns.json, or empty (with `why`) when the file is absent.
std::vector<std::string> NaughtyStrings(std::string* why) {
  const std::string dir = testing::DataDir();
  const std::string path = dir + "/blns-naughty-strings/blns.json";
  std::ifstream in(path);
  if (dir.empty() || !in) {
    *why = "the naughty strings are not there (" + path +
           "); set COMMENTD_DATA to the shared data folder";
    return {};
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const json list = json::parse(buf.str(), nullptr, false);
  std::vector<std::string> out;
  if (!list.is_array()) {
    *why = path + " is not a JSON array";
    return out;
  }
  for (const json& s : list) {
    if (s.is_string()) out.push_back(s);
  }
  return out;
}

// What the service stores as the author: the name without surrounding ASCII
// whitespace (docs/api.md).
std::string TrimAscii(std::string s) {
  const char* kSpace = " \t\n\r\f\v";
  s.erase(0, s.find_first_not_of(kSpace));
  const size_t last = s.find_last_not_of(kSpace);
  s.erase(last == std::string::npos ? 0 : last + 1);
  return s;
}

class HostileInputTest : public testing::LocalServerTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CreateService(std::make_shared<base::SystemClock>()));
    http::ServerOptions options;
    options.port = 0;
    options.threads = 2;
    // Large enough that the depth limit, not the size limit, meets deep JSON.
    options.max_body_bytes = 256 * 1024;
    options.read_timeout = std::chrono::seconds(1);
    options.api.rate_limit = false;
    options.api.thread_cache_ttl = std::chrono::milliseconds(0);
    StartServer(options, std::make_shared<base::SystemClock>());
  }

  // A 4xx refusal in the one error shape, with a message.
  static void ExpectClearError(const HttpResponse& r) {
    EXPECT_GE(r.status, 400);
    EXPECT_LT(r.status, 500) << r.body;
    const json j = r.Json();
    ASSERT_TRUE(j.is_object()) << r.body;
    ASSERT_TRUE(j.contains("error")) << r.body;
    EXPECT_FALSE(j["error"].value("code", "").empty()) << r.body;
    EXPECT_FALSE(j["error"].value("message", "").empty()) << r.body;
  }

  bool Healthy() {
    auto r = local_.client().Send("GET", "/healthz");
    return r.ok() && r->status == 200;
  }

  // Posts and checks the outcome: published and listed byte-exact, held or
  // deleted by moderation, or refused with a clear 4xx.
  void PostAndCheck(const std::string& thread, const std::string& author, const std::string& text) {
    const HttpResponse r =
        Send("POST", "/api/v1/threads/" + EncodePathSegment(thread) + "/comments",
             json{{"author", author}, {"text", text}}.dump());
    ASSERT_LT(r.status, 500) << r.body;
    if (r.status == 201) {
      json listed =
          Send("GET", "/api/v1/threads/" + EncodePathSegment(thread) + "/comments").Json();
      ASSERT_EQ(listed["comments"].size(), 1u) << listed.dump();
      EXPECT_EQ(listed["comments"][0]["text"].get<std::string>(), text);
      EXPECT_EQ(listed["comments"][0]["author"].get<std::string>(), TrimAscii(author));
    } else if (r.status == 202 || r.status == 422) {
      // The engine held or deleted it: a decision with its reasons, stored;
      // or it refused the author name (422 naming the field, nothing stored).
      json j = r.Json();
      EXPECT_TRUE(j["status"] == "held" || j["status"] == "deleted" ||
                  (j["status"] == "refused" && j["field"] == "author"))
          << r.body;
      EXPECT_TRUE(j["reasons"].is_array()) << r.body;
    } else {
      ExpectClearError(r);
    }
  }
};

TEST_F(HostileInputTest, EveryNaughtyStringAsAuthorAndTextIsStoredExactlyOrRefusedClearly) {
  std::string why;
  const std::vector<std::string> strings = NaughtyStrings(&why);
  if (strings.empty()) GTEST_SKIP() << why;
  for (size_t i = 0; i < strings.size(); ++i) {
    SCOPED_TRACE(fmt::format("string {}: {}", i, json(strings[i]).dump()));
    PostAndCheck(fmt::format("blns-{}-text", i), "Tester", strings[i]);
    PostAndCheck(fmt::format("blns-{}-author", i), strings[i],
                 fmt::format("A plain remark number {} about the talks in Beijing.", i));
  }
  EXPECT_TRUE(Healthy());
}

TEST_F(HostileInputTest, DeeplyNestedJsonIsRefusedWithoutCrashing) {
  for (const std::string& body : {std::string(100000, '['), "{\"text\":" + std::string(100000, '{'),
                                  "{\"author\":\"a\",\"text\":\"b\",\"x\":" +
                                      std::string(50000, '[') + std::string(50000, ']') + "}"}) {
    SCOPED_TRACE(body.substr(0, 30));
    const HttpResponse r = Send("POST", "/api/v1/threads/deep/comments", body);
    EXPECT_EQ(r.status, 400) << r.body;
    ExpectClearError(r);
    const json j = r.Json();
    ASSERT_TRUE(j.is_object() && j.contains("error")) << r.body;
    EXPECT_NE(j["error"].value("message", "").find("deeper than"), std::string::npos) << r.body;
  }
  EXPECT_TRUE(Healthy());
}

TEST_F(HostileInputTest, BodiesNotDeclaredJsonGet415NamingTheType) {
  const std::string body = json{{"author", "A"}, {"text", "Declared or not?"}}.dump();
  const struct {
    const char* content_type;
    int status;
  } kCases[] = {
      {"text/plain", 415},
      {"application/x-www-form-urlencoded", 415},
      {"multipart/form-data; boundary=x", 415},
      {"", 415},
      {"application/json; charset=utf-8", 201},
      {"Application/JSON", 201},
  };
  int n = 0;
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.content_type);
    RawConnection conn(local_.port());
    ASSERT_TRUE(conn.connected());
    const std::string text = fmt::format("Declared or not, case {} of the content types.", n++);
    ASSERT_TRUE(
        conn.Send(RawRequest("POST", "/api/v1/threads/types/comments",
                             json{{"author", "A"}, {"text", text}}.dump(), c.content_type)));
    const testing::RawReply reply = conn.Read();
    ASSERT_TRUE(reply.complete);
    EXPECT_EQ(reply.status, c.status) << reply.body;
    if (c.status == 415) {
      const json j = json::parse(reply.body, nullptr, false);
      ASSERT_TRUE(j.is_object() && j.contains("error")) << reply.body;
      EXPECT_EQ(j["error"].value("code", ""), "unsupported_media_type") << reply.body;
      EXPECT_NE(j["error"].value("message", "").find("application/json"), std::string::npos);
    }
  }
  // The same holds for the other JSON routes, e.g. login.
  RawConnection login(local_.port());
  ASSERT_TRUE(login.Send(RawRequest("POST", "/api/v1/auth/login", "name=a&password=b",
                                    "application/x-www-form-urlencoded")));
  EXPECT_EQ(login.Read().status, 415);
}

TEST_F(HostileInputTest, OversizedRequestLineAndHeadersAreCutOffAndTheServerCarriesOn) {
  const std::string big(64 * 1024, 'a');
  const std::vector<std::string> requests = {
      "GET /healthz?" + big + " HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n",
      [] {
        std::string r = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; i < 500; ++i) r += fmt::format("X-H{}: v\r\n", i);
        return r + "\r\n";
      }(),
  };
  for (const std::string& request : requests) {
    SCOPED_TRACE(request.substr(0, 40));
    RawConnection conn(local_.port());
    ASSERT_TRUE(conn.connected());
    conn.Send(request);  // the server may close before it has read it all
    const testing::RawReply reply = conn.Read(std::chrono::seconds(10));
    // RESTinio closes the connection without a status for these; a 4xx
    // would do as well. What must not happen is a 2xx or a 5xx.
    EXPECT_TRUE(reply.closed || (reply.status >= 400 && reply.status < 500))
        << "status " << reply.status;
    EXPECT_TRUE(Healthy());
  }
}

TEST_F(HostileInputTest, SlowClientIsCutOffByTheReadTimeoutWhileOthersAreServed) {
  RawConnection slow(local_.port());
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(slow.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  // One header byte at a time, each followed by a wait on the server closing.
  // read_timeout is 1 s; 40 rounds of 250 ms give it 10 s at most.
  const std::string trickle = "X-Slow: " + std::string(64, 'z');
  bool closed = false;
  for (size_t i = 0; i < trickle.size() && !closed; ++i) {
    if (!slow.Send(trickle.substr(i, 1))) {
      closed = true;
      break;
    }
    closed = slow.ClosedByServer(std::chrono::milliseconds(250));
    // Meanwhile a well-behaved client is served.
    if (i == 1) {
      EXPECT_TRUE(Healthy());
    }
  }
  EXPECT_TRUE(closed) << "a client trickling its headers kept the connection open";
  EXPECT_TRUE(Healthy());
}

}  // namespace
}  // namespace commentd

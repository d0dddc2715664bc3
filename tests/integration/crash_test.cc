// Crash safety of `commentd serve`: nothing the server acknowledged is lost.
// Writers post comments at full speed from several threads; the server is
// killed (SIGKILL) or stopped (SIGTERM) mid-load and started again on the
// same database; every comment answered 2xx must be there, byte for byte,
// and the SQLite file must pass its integrity check. SIGTERM must also
// answer a request it has already read, and exit 0. The same runs against
// PostgreSQL when COMMENTD_TEST_PG_URL is set (a fresh schema per test).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "store/postgres/pg_test_support.h"
#include "tests/integration/http_client.h"
#include "tests/integration/test_support.h"

namespace commentd {
namespace {

using nlohmann::json;
using testing::HttpClient;
using testing::RawConnection;
using testing::RawRequest;
using testing::ServeProcess;
using testing::WaitFor;

constexpr int kWriters = 4;
constexpr int kAckedBeforeStop = 120;  // acknowledged comments before the signal

// Texts with multi-byte UTF-8, quotes and backslashes, unique per writer and
// sequence so that nothing is mistaken for a repeat.
std::string CommentText(int writer, int i) {
  return fmt::format(
      "Comment {}-{} from the crash test: 평양 회담, 北京の話, naïve \"quotes\" \\ backslash 😀 {}",
      writer, i, std::string(static_cast<size_t>(i % 7) * 11, 'x'));
}

// Comments the server acknowledged, by id. Thread-safe.
class Acked {
 public:
  void Add(std::string id, std::string text) EXCLUDES(mu_) {
    base::MutexLock lock(&mu_);
    texts_.emplace(std::move(id), std::move(text));
    changed_.SignalAll();
  }
  bool WaitForAtLeast(size_t n, std::chrono::seconds limit) EXCLUDES(mu_) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    base::MutexLock lock(&mu_);
    while (texts_.size() < n) {
      if (!changed_.WaitUntil(&mu_, deadline)) return texts_.size() >= n;
    }
    return true;
  }
  std::map<std::string, std::string> Snapshot() EXCLUDES(mu_) {
    base::MutexLock lock(&mu_);
    return texts_;
  }

 private:
  base::Mutex mu_;
  base::CondVar changed_;
  std::map<std::string, std::string> texts_ GUARDED_BY(mu_);
};

// Writers posting until the server stops answering. Records every 2xx.
class Load {
 public:
  Load(uint16_t port, Acked* acked) {
    for (int w = 0; w < kWriters; ++w) {
      threads_.emplace_back([this, port, acked, w] {
        HttpClient client("127.0.0.1", port);
        for (int i = 0; !stop_.load(); ++i) {
          const std::string text = CommentText(w, i);
          auto r = client.Send("POST", fmt::format("/api/v1/threads/crash-{}/comments", w),
                               json{{"author", fmt::format("writer{}", w)}, {"text", text}}.dump());
          if (!r.ok()) break;  // the server is gone
          if (r->status == 201) {
            acked->Add(r->Json()["comment"]["id"].get<std::string>(), text);
          } else if (r->status / 100 == 2) {
            acked->Add(r->Json()["comment_id"].get<std::string>(), text);
          } else if (r->status != 503) {
            unexpected_.fetch_add(1);
          }
        }
      });
    }
  }
  ~Load() { Join(); }
  void Join() {
    stop_.store(true);
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  int unexpected() const { return unexpected_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> unexpected_{0};
  std::vector<std::thread> threads_;
};

// Every published comment of the writers' threads, by id, read over HTTP.
std::map<std::string, std::string> ListedTexts(uint16_t port) {
  HttpClient client("127.0.0.1", port);
  std::map<std::string, std::string> out;
  for (int w = 0; w < kWriters; ++w) {
    std::string after;
    for (int page = 0; page < 1000; ++page) {
      std::string target = fmt::format("/api/v1/threads/crash-{}/comments?limit=200", w);
      if (!after.empty()) target += "&after=" + after;
      auto r = client.Send("GET", target);
      if (!r.ok() || r->status != 200) {
        ADD_FAILURE() << "listing " << target << " failed";
        return out;
      }
      json body = r->Json();
      for (const json& c : body["comments"]) {
        out[c["id"].get<std::string>()] = c["text"].get<std::string>();
      }
      if (body["next_cursor"].is_null()) break;
      after = body["next_cursor"].get<std::string>();
    }
  }
  return out;
}

// Every acknowledged comment is listed with exactly the text posted.
void ExpectAllListed(const std::map<std::string, std::string>& acked, uint16_t port) {
  const auto listed = ListedTexts(port);
  int missing = 0;
  for (const auto& [id, text] : acked) {
    auto it = listed.find(id);
    if (it == listed.end()) {
      if (++missing <= 5) ADD_FAILURE() << "acknowledged comment " << id << " is missing";
      continue;
    }
    EXPECT_EQ(it->second, text) << "comment " << id << " changed";
  }
  EXPECT_EQ(missing, 0) << "of " << acked.size() << " acknowledged comments";
}

// Opens the SQLite file read-only, runs PRAGMA integrity_check and compares
// each acknowledged comment's stored bytes.
void ExpectSqliteIntact(const std::string& path, const std::map<std::string, std::string>& acked) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, &sqlite3_close);
  sqlite3_busy_timeout(db.get(), 5000);
  sqlite3_stmt* check = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db.get(), "PRAGMA integrity_check", -1, &check, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(check), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(check, 0)), "ok");
  sqlite3_finalize(check);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db.get(), "SELECT text FROM comments WHERE id = ?", -1, &s, nullptr),
            SQLITE_OK);
  for (const auto& [id, text] : acked) {
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW) << "acknowledged comment " << id << " not in the file";
    const std::string stored(static_cast<const char*>(sqlite3_column_blob(s, 0)),
                             static_cast<size_t>(sqlite3_column_bytes(s, 0)));
    EXPECT_EQ(stored, text) << id;
  }
  sqlite3_finalize(s);
}

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(testing::kCommentdBinary)) {
      GTEST_SKIP() << "commentd binary not built: " << testing::kCommentdBinary;
    }
    char tmpl[] = "/tmp/commentd_crash_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::vector<std::string> Args(const std::string& db) const {
    // The IP key file goes with the test's files (with PostgreSQL it would
    // default to the working directory, the source tree).
    return {"--db", db, "--rate-limit=off", "--threads", "4", "--ip-key-file", dir_ + "/ip.key"};
  }

  // Loads `db`, stops the server with `sig` after kAckedBeforeStop
  // acknowledgements, restarts it and checks nothing acknowledged is lost.
  // Returns the acknowledged comments.
  std::map<std::string, std::string> LoadStopRestart(const std::string& db, int sig) {
    Acked acked;
    int unexpected = 0;
    {
      ServeProcess server(Args(db));
      EXPECT_NE(server.port(), 0) << server.line();
      if (server.port() == 0) return {};
      Load load(server.port(), &acked);
      EXPECT_TRUE(acked.WaitForAtLeast(kAckedBeforeStop, std::chrono::seconds(60)))
          << "the server acknowledged too few comments";
      server.Signal(sig);
      const int code = server.Wait();
      load.Join();
      unexpected = load.unexpected();
      if (sig == SIGTERM) {
        EXPECT_EQ(code, 0) << "SIGTERM must drain and exit cleanly";
      } else {
        EXPECT_EQ(code, -1) << "SIGKILL ends the process without an exit code";
      }
    }
    EXPECT_EQ(unexpected, 0) << "answers other than 2xx or 503 under load";
    const auto snapshot = acked.Snapshot();
    EXPECT_GE(snapshot.size(), static_cast<size_t>(kAckedBeforeStop));
    ServeProcess again(Args(db));
    EXPECT_NE(again.port(), 0) << "restart on the same database failed: " << again.line();
    if (again.port() == 0) return snapshot;
    ExpectAllListed(snapshot, again.port());
    again.Signal(SIGTERM);
    EXPECT_EQ(again.Wait(), 0);
    return snapshot;
  }

  std::string dir_;
};

TEST_F(CrashTest, SigkillUnderLoadLosesNoAcknowledgedCommentSqlite) {
  const std::string db = dir_ + "/commentd.db";
  const auto acked = LoadStopRestart(db, SIGKILL);
  ExpectSqliteIntact(db, acked);
}

TEST_F(CrashTest, SigtermUnderLoadDrainsExitsZeroAndLosesNothingSqlite) {
  const std::string db = dir_ + "/commentd.db";
  const auto acked = LoadStopRestart(db, SIGTERM);
  ExpectSqliteIntact(db, acked);
}

// A request the server has read when SIGTERM arrives is answered. The test
// holds SQLite's write lock so the request waits inside its handler (the
// store's busy timeout), signals, waits until the server stops accepting
// (it is draining), then lets the write through.
TEST_F(CrashTest, SigtermAnswersTheRequestInFlight) {
  const std::string db = dir_ + "/commentd.db";
  ServeProcess server(Args(db));
  ASSERT_NE(server.port(), 0) << server.line();

  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> lock_holder(raw, &sqlite3_close);
  ASSERT_EQ(sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  const std::string text = "Posted just before the server was told to stop.";
  RawConnection conn(server.port());
  ASSERT_TRUE(conn.connected());
  ASSERT_TRUE(conn.Send(RawRequest("POST", "/api/v1/threads/drain/comments",
                                   json{{"author", "Late"}, {"text", text}}.dump())));
  const uint16_t client_port = conn.local_port();
  ASSERT_TRUE(WaitFor([&] { return testing::ServerHasReadEverything(server.port(), client_port); },
                      std::chrono::seconds(10)))
      << "the server did not read the request";

  server.Signal(SIGTERM);
  // Draining: the listening socket is closed, new connections are refused.
  ASSERT_TRUE(
      WaitFor([&] { return !RawConnection(server.port()).connected(); }, std::chrono::seconds(10)))
      << "the server kept accepting after SIGTERM";
  ASSERT_EQ(sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);

  const testing::RawReply reply = conn.Read();
  ASSERT_TRUE(reply.complete) << "the request in flight was not answered (closed=" << reply.closed
                              << ")";
  EXPECT_EQ(reply.status, 201) << reply.head << "\n" << reply.body;
  EXPECT_EQ(server.Wait(), 0);
  const json answer = json::parse(reply.body, nullptr, false);
  ASSERT_TRUE(answer.is_object() && answer.contains("comment")) << reply.body;
  const std::string id = answer["comment"].value("id", "");
  lock_holder.reset();
  ExpectSqliteIntact(db, {{id, text}});
}

// PostgreSQL: the same promises on a fresh schema.
class PgCrashTest : public CrashTest {
 protected:
  void SetUp() override {
    CrashTest::SetUp();
    if (IsSkipped()) return;
    if (store::testing::TestPgUrl().empty()) GTEST_SKIP() << store::testing::SkipMessage();
    schema_ = std::make_unique<store::testing::PgSchema>("crash");
    ASSERT_FALSE(schema_->url().empty()) << schema_->error();
  }
  // Rows in the comments table whose id and text match an acknowledged one.
  void ExpectPgHasAll(const std::map<std::string, std::string>& acked) {
    int64_t matched = 0;
    for (const auto& [id, text] : acked) {
      // Ids are [a-z0-9_]; the text goes in as a dollar-quoted literal.
      auto r = store::testing::PgQuery(
          schema_->url(),
          fmt::format("SELECT COUNT(*) FROM comments WHERE id = '{}' AND text = $crash${}$crash$",
                      id, text));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      matched += std::stoll(*r);
    }
    EXPECT_EQ(matched, static_cast<int64_t>(acked.size()));
  }
  std::unique_ptr<store::testing::PgSchema> schema_;
};

TEST_F(PgCrashTest, SigkillUnderLoadLosesNoAcknowledgedCommentPostgres) {
  ExpectPgHasAll(LoadStopRestart(schema_->url(), SIGKILL));
}

TEST_F(PgCrashTest, SigtermUnderLoadDrainsExitsZeroAndLosesNothingPostgres) {
  ExpectPgHasAll(LoadStopRestart(schema_->url(), SIGTERM));
}

}  // namespace
}  // namespace commentd

// SqliteStore: the store contract and the comment service suites run
// against it, plus what only a file-backed store has: migrations, reopening,
// WAL mode, refusing a schema from the future, and group commit (concurrent
// writes share one transaction, each isolated by its savepoint).
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "comments/comment_service_test.h"
#include "comments/store_contract_test.h"
#include "store/sqlite/test_gate.h"

namespace commentd::store {
namespace {

using sqlite::testing::WaitFor;

using comments::testing::CommentServiceTest;
using comments::testing::ScratchDir;
using comments::testing::StoreBackend;
using comments::testing::StoreContractTest;

base::Result<std::unique_ptr<comments::Store>> MakeSqliteStore(const std::string& dir) {
  COMMENTD_ASSIGN_OR_RETURN(auto store, SqliteStore::Create(dir + "/commentd.db"));
  return std::unique_ptr<comments::Store>(std::move(store));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         ::testing::Values(StoreBackend{"sqlite", MakeSqliteStore}),
                         comments::testing::StoreBackendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, CommentServiceTest,
                         ::testing::Values(StoreBackend{"sqlite", MakeSqliteStore}),
                         comments::testing::StoreBackendName);

// Runs one query on the file with a plain connection and returns the first
// column of the first row as text.
std::string QueryOne(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      }
    } else {
      out = std::string("error: ") + sqlite3_errmsg(db);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

TEST(SqliteStoreTest, MigratesAnEmptyFileToTheLatestSchema) {
  ScratchDir dir;
  const std::string path = dir.path() + "/new.db";
  ASSERT_FALSE(std::filesystem::exists(path));
  auto store = SqliteStore::Create(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto version = (*store)->SchemaVersion();
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, SqliteStore::LatestSchemaVersion());
  EXPECT_GE(*version, 1);
  EXPECT_EQ(QueryOne(path, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(SqliteStore::LatestSchemaVersion()));
  EXPECT_EQ(QueryOne(path, "PRAGMA journal_mode"), "wal");
}

TEST(SqliteStoreTest, ReopeningKeepsDataAndDoesNotMigrateAgain) {
  ScratchDir dir;
  const std::string path = dir.path() + "/reopen.db";
  {
    auto store = SqliteStore::Create(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto c = comments::testing::MakeComment("c_keep", "t", comments::CommentState::kPublished);
    ASSERT_TRUE((*store)->InsertComment(c).ok());
    ASSERT_TRUE((*store)->GetOrInsertSetting("site_key", "first").ok());
  }
  auto reopened = SqliteStore::Create(path);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto c = (*reopened)->GetComment("c_keep");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->thread, "t");
  EXPECT_EQ(*(*reopened)->GetOrInsertSetting("site_key", "second"), "first");
  EXPECT_EQ(QueryOne(path, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(SqliteStore::LatestSchemaVersion()));
  // New rows continue the sequence instead of reusing it.
  auto next = (*reopened)->InsertComment(
      comments::testing::MakeComment("c_next", "t", comments::CommentState::kPublished));
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->seq, c->seq);
}

// A site written before revisions existed (schema version 3) keeps every
// comment, and each gets the text it shows as its revision 1, dated when that
// text was written; edits then continue from revision 2.
TEST(SqliteStoreTest, UpgradingFromSchemaThreeGivesEveryCommentItsTextAsRevisionOne) {
  ScratchDir dir;
  const std::string path = dir.path() + "/v3.db";
  {
    SqliteOptions v3;
    v3.schema_version = 3;
    auto old = SqliteStore::Create(path, v3);
    ASSERT_TRUE(old.ok()) << old.status().ToString();
    ASSERT_EQ(*(*old)->SchemaVersion(), 3);
  }
  // Two comments as release 3 stored them: one as posted, one edited.
  EXPECT_EQ(QueryOne(path,
                     "INSERT INTO comments (id, thread, parent_id, author_name, author_ip_hash, "
                     "text, lang, state, engine_decision, reasons, policy_version, hit_link, "
                     "hit_advertisement, hit_inappropriate_language, decided_by, "
                     "decided_by_moderator, created_at, edited_at, decided_at, edit_token_hash, "
                     "text_hash) VALUES "
                     "('c_old1', 't', NULL, 'reader', 'ip1', 'As posted.', 'en', 'published', "
                     "'publish', '[]', 'p-1', 0, 0, 0, 'engine', '', 1000000, NULL, 1000000, "
                     "'h1', ''), "
                     "('c_old2', 't', NULL, 'writer', 'ip2', 'Edited, see x.example.com', 'ko', "
                     "'held', 'hold', '[{\"rule\":\"link\",\"begin\":12,\"end\":25,"
                     "\"match\":\"x.example.com\",\"detail\":\"bare_domain\","
                     "\"action\":\"hold\",\"score\":1.0}]', 'p-1', 1, 0, 0, 'engine', '', "
                     "2000000, 3000000, 3000000, 'h2', '') RETURNING id"),
            "c_old1");  // SQLite makes every change of the statement at its first step

  auto store = SqliteStore::Create(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->SchemaVersion(), SqliteStore::LatestSchemaVersion());
  auto first = (*store)->GetComment("c_old1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->revision, 1);
  EXPECT_EQ(first->text, "As posted.");
  auto first_revisions = (*store)->ListRevisions("c_old1");
  ASSERT_TRUE(first_revisions.ok()) << first_revisions.status().ToString();
  ASSERT_EQ(first_revisions->size(), 1u);
  EXPECT_EQ((*first_revisions)[0].number, 1);
  EXPECT_EQ((*first_revisions)[0].text, "As posted.");
  EXPECT_EQ((*first_revisions)[0].created_at, base::FromUnixMicros(1000000));
  EXPECT_TRUE((*first_revisions)[0].became_current);

  EXPECT_EQ((*store)->GetComment("c_old2")->revision, 1);
  auto second_revisions = (*store)->ListRevisions("c_old2");
  ASSERT_TRUE(second_revisions.ok()) << second_revisions.status().ToString();
  ASSERT_EQ(second_revisions->size(), 1u);
  const comments::Revision& r = (*second_revisions)[0];
  EXPECT_EQ(r.text, "Edited, see x.example.com");
  EXPECT_EQ(r.lang, "ko");
  EXPECT_EQ(r.engine_decision, moderation::Decision::kHold);
  ASSERT_EQ(r.reasons.size(), 1u);
  EXPECT_EQ(r.reasons[0].match, "x.example.com");
  // Stored as release 3 wrote reasons, "begin" for the span's start.
  EXPECT_EQ(r.reasons[0].span.begin, 12u);
  EXPECT_EQ(r.reasons[0].span.end, 25u);
  EXPECT_EQ(r.policy_version, "p-1");
  EXPECT_EQ(r.created_at, base::FromUnixMicros(3000000));  // when the edit was made

  auto edited = (*store)->UpdateComment(
      "c_old2", [](comments::Comment& c) -> base::Result<comments::CommentUpdateEffects> {
        comments::CommentUpdateEffects effects;
        c.text = "Edited again.";
        effects.revision = comments::CurrentRevisionOf(c);
        return effects;
      });
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->revision, 2);
  EXPECT_EQ((*store)->ListRevisions("c_old2")->size(), 2u);
}

TEST(SqliteStoreTest, RefusesASchemaNewerThanThisBuild) {
  ScratchDir dir;
  const std::string path = dir.path() + "/future.db";
  { ASSERT_TRUE(SqliteStore::Create(path).ok()); }
  EXPECT_EQ(QueryOne(path,
                     "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0) "
                     "RETURNING version"),
            "999");
  auto store = SqliteStore::Create(path);
  EXPECT_EQ(store.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("999"), std::string::npos) << store.status().message();
}

TEST(SqliteStoreTest, UnopenablePathIsUnavailable) {
  ScratchDir dir;
  auto store = SqliteStore::Create(dir.path() + "/no/such/dir/x.db");
  EXPECT_EQ(store.status().code(), base::StatusCode::kUnavailable);
  EXPECT_NE(store.status().message().find("no/such/dir"), std::string::npos)
      << store.status().message();
  EXPECT_EQ(SqliteStore::Create("").status().code(), base::StatusCode::kInvalidArgument);
}

TEST(SqliteStoreTest, NotASqliteFileIsRefused) {
  ScratchDir dir;
  const std::string path = dir.path() + "/garbage.db";
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    for (int i = 0; i < 200; ++i) std::fputs("this is not a database file. ", f);
    std::fclose(f);
  }
  auto store = SqliteStore::Create(path);
  EXPECT_FALSE(store.ok());
}

// Holds the writer: stores comment "c_held", then starts an UpdateComment
// of it whose mutation waits inside the transaction until Release(), so
// that writes started meanwhile queue up and are run together as the next
// batch. Owned by one thread.
class WriterBlocker {
 public:
  explicit WriterBlocker(SqliteStore& store) {
    EXPECT_TRUE(store
                    .InsertComment(comments::testing::MakeComment(
                        "c_held", "t", comments::CommentState::kPublished))
                    .ok());
    thread_ = std::thread([this, &store] {
      result_ = store.UpdateComment(
          "c_held", [this](comments::Comment& c) -> base::Result<comments::CommentUpdateEffects> {
            gate_.Enter();
            c.text = "edited while the others queued";
            return comments::CommentUpdateEffects{};
          });
    });
    gate_.WaitEntered();
  }
  ~WriterBlocker() { Release(); }

  // Lets the held write finish and returns its result.
  const base::Result<comments::Comment>& Release() {
    gate_.Open();
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  sqlite::testing::Gate gate_;
  base::Result<comments::Comment> result_ = base::InternalError("not run");
  std::thread thread_;
};

TEST(SqliteStoreGroupCommitTest, ConcurrentWritesAreAllStoredWithUniqueSeqs) {
  ScratchDir dir;
  auto store = SqliteStore::Create(dir.path() + "/many.db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const SqliteWriteStats before = (*store)->WriteStats();
  constexpr int kThreads = 16;
  constexpr int kPerThread = 40;
  std::vector<std::vector<base::Result<comments::Comment>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        results[t].push_back((*store)->InsertComment(
            comments::testing::MakeComment("c_" + std::to_string(t) + "_" + std::to_string(i),
                                           "busy", comments::CommentState::kPublished)));
      }
    });
  }
  for (std::thread& th : threads) th.join();

  std::set<int64_t> seqs;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      SCOPED_TRACE("thread " + std::to_string(t) + " write " + std::to_string(i));
      const auto& r = results[t][i];
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_TRUE(seqs.insert(r->seq).second) << "seq " << r->seq << " given twice";
      auto got = (*store)->GetComment(r->id);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(got->seq, r->seq);
    }
  }
  auto thread = (*store)->ListThread("busy");
  ASSERT_TRUE(thread.ok()) << thread.status().ToString();
  EXPECT_EQ(thread->size(), static_cast<size_t>(kThreads * kPerThread));
  // A plain connection sees the rows too: they are committed, not cached.
  EXPECT_EQ(
      QueryOne(dir.path() + "/many.db", "SELECT COUNT(*) FROM comments WHERE thread = 'busy'"),
      std::to_string(kThreads * kPerThread));
  const SqliteWriteStats after = (*store)->WriteStats();
  EXPECT_EQ(after.writes - before.writes, kThreads * kPerThread);
  EXPECT_LE(after.batches - before.batches, after.writes - before.writes);
  EXPECT_EQ(after.queued, 0);
}

TEST(SqliteStoreGroupCommitTest, FailingWritesInABatchLeaveTheOthersCommitted) {
  ScratchDir dir;
  const std::string path = dir.path() + "/batch.db";
  auto created = SqliteStore::Create(path);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  SqliteStore& store = **created;

  WriterBlocker blocker(store);
  const SqliteWriteStats before = store.WriteStats();

  // Four good writes and four that fail in different ways, all queued
  // behind the blocked writer, so they run as one batch.
  struct Outcome {
    std::string what;
    base::StatusCode want;
    base::Status got = base::InternalError("not run");
  };
  std::vector<Outcome> outcomes = {
      {"insert c_ok1", base::StatusCode::kOk},
      {"insert duplicate c_held", base::StatusCode::kAlreadyExists},
      {"insert c_ok2", base::StatusCode::kOk},
      {"insert reply to a missing parent", base::StatusCode::kInvalidArgument},
      {"report on c_held", base::StatusCode::kOk},
      {"update refused by its mutation", base::StatusCode::kFailedPrecondition},
      {"insert c_ok3", base::StatusCode::kOk},
      {"report on a missing comment", base::StatusCode::kNotFound},
  };
  auto run = [&store](size_t i) -> base::Status {
    using comments::CommentState;
    using comments::testing::MakeComment;
    switch (i) {
      case 0:
        return store.InsertComment(MakeComment("c_ok1", "t", CommentState::kPublished)).status();
      case 1:
        return store.InsertComment(MakeComment("c_held", "t", CommentState::kPublished)).status();
      case 2:
        return store.InsertComment(MakeComment("c_ok2", "t", CommentState::kHeld)).status();
      case 3: {
        comments::Comment reply = MakeComment("c_orphan", "t", CommentState::kPublished);
        reply.parent_id = "c_missing";
        return store.InsertComment(reply).status();
      }
      case 4:
        return store.AddReport(
            {"c_held", "spam", "iphash9", comments::testing::At(comments::testing::kDay0)});
      case 5:
        return store
            .UpdateComment(
                "c_held",
                [](comments::Comment& c) -> base::Result<comments::CommentUpdateEffects> {
                  c.text = "must not be stored";
                  return base::FailedPreconditionError("refused by the mutation");
                })
            .status();
      case 6:
        return store.InsertComment(MakeComment("c_ok3", "t", CommentState::kPublished)).status();
      default:
        return store.AddReport(
            {"c_missing", "spam", "iphash9", comments::testing::At(comments::testing::kDay0)});
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    threads.emplace_back([&, i] { outcomes[i].got = run(i); });
  }
  ASSERT_TRUE(WaitFor([&] {
    return store.WriteStats().queued == static_cast<int64_t>(outcomes.size());
  })) << "the writes never queued behind the blocked writer";
  const auto& held = blocker.Release();
  for (std::thread& th : threads) th.join();
  ASSERT_TRUE(held.ok()) << held.status().ToString();

  const SqliteWriteStats after = store.WriteStats();
  // The blocked write's batch, then one batch for all eight.
  EXPECT_EQ(after.batches - before.batches, 2);
  EXPECT_EQ(after.writes - before.writes, static_cast<int64_t>(outcomes.size()) + 1);
  for (const Outcome& o : outcomes) {
    SCOPED_TRACE(o.what);
    EXPECT_EQ(o.got.code(), o.want) << o.got.ToString();
  }
  for (const char* id : {"c_ok1", "c_ok2", "c_ok3"}) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(store.GetComment(id).ok());
  }
  EXPECT_EQ(store.GetComment("c_orphan").status().code(), base::StatusCode::kNotFound);
  auto c = store.GetComment("c_held");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->text, "edited while the others queued");
  EXPECT_EQ(c->open_reports, 1);
  EXPECT_EQ(QueryOne(path, "SELECT COUNT(*) FROM comments"), "4");
  EXPECT_EQ(QueryOne(path, "SELECT COUNT(*) FROM reports"), "1");
}

TEST(SqliteStoreGroupCommitTest, BatchesHoldAtMostMaxBatchWrites) {
  ScratchDir dir;
  SqliteOptions options;
  options.max_batch_writes = 3;
  auto created = SqliteStore::Create(dir.path() + "/bounded.db", options);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  SqliteStore& store = **created;
  WriterBlocker blocker(store);
  const SqliteWriteStats before = store.WriteStats();
  constexpr int kWrites = 7;
  std::vector<base::Status> got(kWrites, base::InternalError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kWrites; ++i) {
    threads.emplace_back([&, i] {
      got[i] = store
                   .InsertComment(comments::testing::MakeComment(
                       "c_" + std::to_string(i), "t", comments::CommentState::kPublished))
                   .status();
    });
  }
  ASSERT_TRUE(WaitFor([&] { return store.WriteStats().queued == kWrites; }));
  ASSERT_TRUE(blocker.Release().ok());
  for (std::thread& th : threads) th.join();
  for (int i = 0; i < kWrites; ++i) EXPECT_TRUE(got[i].ok()) << i << ": " << got[i].ToString();
  // The blocked write's batch, then 3 + 3 + 1.
  EXPECT_EQ(store.WriteStats().batches - before.batches, 4);
  auto thread = store.ListThread("t");
  ASSERT_TRUE(thread.ok());
  EXPECT_EQ(thread->size(), static_cast<size_t>(kWrites + 1));
}

TEST(SqliteStoreGroupCommitTest, RefusesBoundsBelowOne) {
  ScratchDir dir;
  SqliteOptions no_batch;
  no_batch.max_batch_writes = 0;
  SqliteOptions no_checkpoint;
  no_checkpoint.checkpoint_pages = 0;
  for (const auto& [name, options] :
       {std::pair{"max_batch_writes", no_batch}, std::pair{"checkpoint_pages", no_checkpoint}}) {
    SCOPED_TRACE(name);
    auto store = SqliteStore::Create(dir.path() + "/zero.db", options);
    EXPECT_EQ(store.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_NE(store.status().message().find(name), std::string::npos) << store.status().message();
  }
}

TEST(SqliteStoreGroupCommitTest, CheckpointsTheWalIntoTheFileInTheBackground) {
  ScratchDir dir;
  const std::string path = dir.path() + "/checkpoint.db";
  SqliteOptions options;
  options.checkpoint_pages = 1;  // ask for one after every commit
  auto created = SqliteStore::Create(path, options);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  SqliteStore& store = **created;
  const auto size_before = std::filesystem::file_size(path);
  for (int i = 0; i < 200; ++i) {
    comments::Comment c = comments::testing::MakeComment("c_" + std::to_string(i), "t",
                                                         comments::CommentState::kPublished);
    c.text = std::string(400, 'a' + static_cast<char>(i % 26));
    ASSERT_TRUE(store.InsertComment(c).ok());
  }
  // Until a checkpoint runs, the rows live only in the WAL; the database
  // file grows when the checkpointer copies them back.
  EXPECT_TRUE(WaitFor([&] {
    return store.WriteStats().checkpoints >= 1 && std::filesystem::file_size(path) > size_before;
  })) << "no checkpoint reached "
      << path;
  auto thread = store.ListThread("t");
  ASSERT_TRUE(thread.ok());
  EXPECT_EQ(thread->size(), 200u);
}

}  // namespace
}  // namespace commentd::store

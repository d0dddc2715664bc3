// PostgresStore against a real server (env COMMENTD_TEST_PG_URL; every test
// skips without it): the store contract and comment service suites, then
// what only a shared network database has: migrations that several nodes
// run at once, a server that drops a connection, one that is down, and one
// that restarts under a live store.
#include "store/postgres/postgres_store.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "comments/comment_service_test.h"
#include "comments/store_contract_test.h"
#include "store/postgres/pg_test_support.h"
#include "store/schema.h"

namespace commentd::store {
namespace {

using comments::CommentState;
using comments::testing::CommentServiceTest;
using comments::testing::MakeComment;
using comments::testing::StoreBackend;
using comments::testing::StoreContractTest;
using testing::PgQuery;
using testing::PgSchema;
using testing::TestPgUrl;

// Schemas made for the parameterized suites live until the end of the
// process (the suites own only the store).
base::Mutex schemas_mu;
std::vector<std::unique_ptr<PgSchema>>& Schemas() REQUIRES(schemas_mu) {
  static auto* schemas = new std::vector<std::unique_ptr<PgSchema>>();
  return *schemas;
}

class Environment : public testing::PgEnvironment {
 public:
  void TearDown() override {
    base::MutexLock lock(&schemas_mu);
    Schemas().clear();
  }
};
[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new Environment);

base::Result<std::unique_ptr<comments::Store>> MakePostgresStore(const std::string&) {
  auto schema = std::make_unique<PgSchema>("contract");
  if (schema->url().empty()) {
    return base::UnavailableError("cannot make a test schema: {}", schema->error());
  }
  COMMENTD_ASSIGN_OR_RETURN(auto store, PostgresStore::Open(schema->url(), 4));
  base::MutexLock lock(&schemas_mu);
  Schemas().push_back(std::move(schema));
  return std::unique_ptr<comments::Store>(std::move(store));
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContractTest,
                         ::testing::Values(StoreBackend{"postgres", MakePostgresStore}),
                         comments::testing::StoreBackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, CommentServiceTest,
                         ::testing::Values(StoreBackend{"postgres", MakePostgresStore}),
                         comments::testing::StoreBackendName);

std::string One(const std::string& url, const std::string& sql) {
  auto r = PgQuery(url, sql);
  return r.ok() ? *r : "error: " + r.status().ToString();
}

TEST(PostgresStoreTest, MigratesAnEmptySchemaToTheLatestVersion) {
  PgSchema schema("migrate");
  ASSERT_FALSE(schema.url().empty()) << schema.error();
  auto store = PostgresStore::Open(schema.url(), 1);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto version = (*store)->SchemaVersion();
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, PostgresStore::LatestSchemaVersion());
  EXPECT_EQ(One(schema.url(), "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(PostgresStore::LatestSchemaVersion()));
  // The tables are in the test's schema, not in public.
  EXPECT_EQ(One(schema.url(),
                "SELECT table_schema FROM information_schema.tables "
                "WHERE table_name = 'comments' AND table_schema = current_schema()"),
            schema.name());
}

// The migrations 1..`through` as commentd shipped them before the schema
// description (testdata/store/postgres_migrations_1_to_5.sql).
std::string ShippedMigrations(int through) {
  std::ifstream in(std::string(COMMENTD_SOURCE_DIR) +
                   "/testdata/store/postgres_migrations_1_to_5.sql");
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t end = all.find(fmt::format("-- migration {}", through + 1));
  return all.substr(0, end);
}

// Every column of every table of the current schema ("table.column type
// NULL|NOT NULL default"), every index and every constraint (keys,
// foreign keys, CHECKs), with the schema's name taken out.
std::string SchemaFingerprint(const PgSchema& schema) {
  std::string columns =
      One(schema.url(),
          "SELECT string_agg(table_name || '.' || column_name || ' ' || data_type || ' ' || "
          "CASE WHEN is_nullable = 'YES' THEN 'NULL' ELSE 'NOT NULL' END || ' ' || "
          "COALESCE(column_default, ''), E'\n' ORDER BY table_name, ordinal_position) "
          "FROM information_schema.columns WHERE table_schema = current_schema() "
          "AND table_name <> 'schema_migrations'");
  std::string indexes =
      One(schema.url(),
          "SELECT string_agg(indexdef, E'\n' ORDER BY indexname) FROM pg_indexes "
          "WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'");
  std::string constraints =
      One(schema.url(),
          "SELECT string_agg(conrelid::regclass::text || ' ' || conname || ' ' || "
          "pg_get_constraintdef(oid), E'\n' ORDER BY conrelid::regclass::text, conname) "
          "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace "
          "AND conrelid::regclass::text <> 'schema_migrations'");
  std::string out = columns + "\n" + indexes + "\n" + constraints;
  for (size_t at = out.find(schema.name()); at != std::string::npos;
       at = out.find(schema.name(), at)) {
    out.replace(at, schema.name().size(), "S");
  }
  return out;
}

TEST(PostgresStoreTest, TheRenderedSchemaIsTheOneTheShippedMigrationsBuilt) {
  PgSchema rendered("rendered");
  PgSchema shipped("shipped");
  ASSERT_FALSE(rendered.url().empty()) << rendered.error();
  ASSERT_FALSE(shipped.url().empty()) << shipped.error();
  { ASSERT_TRUE(PostgresStore::Open(rendered.url(), 1).ok()); }
  // A database as the last release before the description left it (schema
  // 5, built by the shipped SQL), upgraded by the store to the latest
  // version: it must end exactly like a new database.
  ASSERT_TRUE(PgQuery(shipped.url(), ShippedMigrations(5)).ok());
  ASSERT_TRUE(PgQuery(shipped.url(),
                      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                      "applied_at TIMESTAMPTZ NOT NULL DEFAULT now()); "
                      "INSERT INTO schema_migrations (version) VALUES (1), (2), (3), (4), (5)")
                  .ok());
  { ASSERT_TRUE(PostgresStore::Open(shipped.url(), 1).ok()); }
  const std::string fingerprint = SchemaFingerprint(rendered);
  EXPECT_EQ(fingerprint, SchemaFingerprint(shipped));
  for (const char* part : {"FOREIGN KEY (moderator) REFERENCES moderators(name) ON DELETE CASCADE",
                           "CHECK ((state = ANY", "WHERE (NOT resolved)", "bigint NOT NULL 1"}) {
    EXPECT_NE(fingerprint.find(part), std::string::npos) << part << " not in " << fingerprint;
  }
  // And it has every column of the description, with its type.
  std::string described;
  for (const schema::Table& t : schema::Tables()) {
    for (const schema::Column& c : t.columns) {
      if (!described.empty()) described += "\n";
      std::string type(schema::TypeName(schema::Dialect::kPostgres, c.type));
      for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      described += fmt::format("{}.{} {}", t.name, c.name, type);
    }
  }
  EXPECT_EQ(One(
                rendered.url(),
                "SELECT string_agg(c.table_name || '.' || c.column_name || ' ' || c.data_type, "
                "E'\n' ORDER BY array_position(ARRAY[" +
                    [] {
                      std::string names;
                      for (const schema::Table& t : schema::Tables()) {
                        names += (names.empty() ? "'" : ", '") + std::string(t.name) + "'";
                      }
                      return names;
                    }() +
                    "]::text[], c.table_name::text), c.ordinal_position) "
                    "FROM information_schema.columns c WHERE c.table_schema = current_schema() "
                    "AND c.table_name <> 'schema_migrations'"),
            described);
}

TEST(PostgresStoreTest, UpgradingFromSchemaThreeGivesEveryCommentItsTextAsRevisionOne) {
  PgSchema schema("upgrade");
  ASSERT_FALSE(schema.url().empty()) << schema.error();
  // A database as a release at schema version 3 left it, with one comment.
  ASSERT_TRUE(PgQuery(schema.url(), ShippedMigrations(3)).ok());
  ASSERT_TRUE(PgQuery(schema.url(),
                      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                      "applied_at TIMESTAMPTZ NOT NULL DEFAULT now()); "
                      "INSERT INTO schema_migrations (version) VALUES (1), (2), (3); "
                      "INSERT INTO comments (id, thread, author_name, author_ip_hash, text, lang, "
                      "state, engine_decision, reasons, policy_version, hit_link, "
                      "hit_advertisement, hit_inappropriate_language, decided_by, "
                      "decided_by_moderator, created_at, edited_at, decided_at, edit_token_hash) "
                      "VALUES ('c_old', 'nk/old', 'reader', 'h', 'written at version three', "
                      "'en', 'published', 'publish', '[]', 'v1', false, false, false, 'engine', "
                      "'', 1000, 2000, 1000, 'tok'); "
                      "INSERT INTO bans (author_name, ip_hash, moderator, reason, at) "
                      "VALUES ('spammer', '', 'alice', 'spam', 3000)")
                  .ok());
  auto store = PostgresStore::Open(schema.url(), 1);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto version = (*store)->SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, PostgresStore::LatestSchemaVersion());
  auto comment = (*store)->GetComment("c_old");
  ASSERT_TRUE(comment.ok()) << comment.status().ToString();
  EXPECT_EQ(comment->revision, 1);
  auto revisions = (*store)->ListRevisions("c_old");
  ASSERT_TRUE(revisions.ok()) << revisions.status().ToString();
  ASSERT_EQ(revisions->size(), 1u);
  EXPECT_EQ((*revisions)[0].text, "written at version three");
  EXPECT_TRUE((*revisions)[0].became_current);
  // Dated when that text was written: its edit.
  EXPECT_EQ(base::ToUnixMicros((*revisions)[0].created_at), 2000);
  // The ban made before author_key existed still matches by name.
  auto banned = (*store)->IsBanned("spammer", "", "");
  ASSERT_TRUE(banned.ok());
  EXPECT_TRUE(*banned);
}

TEST(PostgresStoreTest, NodesStartingAtOnceMigrateExactlyOnce) {
  PgSchema schema("race");
  ASSERT_FALSE(schema.url().empty()) << schema.error();
  constexpr int kNodes = 6;
  std::vector<base::Status> results(kNodes);
  std::vector<std::thread> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.emplace_back([&, i] {
      auto store = PostgresStore::Open(schema.url(), 1);
      results[static_cast<size_t>(i)] = store.ok() ? base::OkStatus() : store.status();
    });
  }
  for (std::thread& t : nodes) t.join();
  for (const base::Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(One(schema.url(), "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(PostgresStore::LatestSchemaVersion()));
}

TEST(PostgresStoreTest, ReopeningKeepsDataAndContinuesTheSequence) {
  PgSchema schema("reopen");
  ASSERT_FALSE(schema.url().empty()) << schema.error();
  int64_t first_seq = 0;
  {
    auto store = PostgresStore::Open(schema.url(), 2);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto c = (*store)->InsertComment(MakeComment("c_keep", "t", CommentState::kPublished));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    first_seq = c->seq;
    ASSERT_TRUE((*store)->GetOrInsertSetting("site_key", "first").ok());
  }
  auto store = PostgresStore::Open(schema.url(), 2);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->GetComment("c_keep")->thread, "t");
  EXPECT_EQ(*(*store)->GetOrInsertSetting("site_key", "second"), "first");
  auto next = (*store)->InsertComment(MakeComment("c_next", "t", CommentState::kPublished));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_GT(next->seq, first_seq);
}

TEST(PostgresStoreTest, TwoStoresOnOneDatabaseShareOneOrder) {
  PgSchema schema("twonodes");
  ASSERT_FALSE(schema.url().empty()) << schema.error();
  auto a = PostgresStore::Open(schema.url(), 2);
  auto b = PostgresStore::Open(schema.url(), 2);
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<int64_t> seqs;
  for (int i = 0; i < 6; ++i) {
    PostgresStore& node = i % 2 == 0 ? **a : **b;
    auto c = node.InsertComment(MakeComment(fmt::format("c_{}", i), "t", CommentState::kPublished));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    seqs.push_back(c->seq);
  }
  for (size_t i = 1; i < seqs.size(); ++i) EXPECT_GT(seqs[i], seqs[i - 1]);
  auto listed = (*b)->ListThread("t");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 6u);
  EXPECT_EQ((*listed)[0].id, "c_0");
  EXPECT_EQ((*listed)[5].id, "c_5");
  // The same setting on both nodes: the first writer wins everywhere.
  EXPECT_EQ(*(*a)->GetOrInsertSetting("site_key", "from-a"), "from-a");
  EXPECT_EQ(*(*b)->GetOrInsertSetting("site_key", "from-b"), "from-a");
}

TEST(PostgresStoreTest, ConcurrentModeratorsOnOneCommentTakeTurns) {
  PgSchema schema("rowlock");
  ASSERT_FALSE(schema.url().empty()) << schema.error();
  auto a = PostgresStore::Open(schema.url(), 4);
  auto b = PostgresStore::Open(schema.url(), 4);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->InsertComment(MakeComment("c_1", "t", CommentState::kHeld)).ok());
  // Each update appends one character to the text it read; a lost update
  // would leave the text shorter than the number of updates.
  constexpr int kPerNode = 20;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (PostgresStore* node : {a->get(), b->get()}) {
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, node] {
        for (int i = 0; i < kPerNode; ++i) {
          auto r = node->UpdateComment(
              "c_1", [](comments::Comment& c) -> base::Result<comments::CommentUpdateEffects> {
                c.text += "x";
                comments::CommentUpdateEffects effects;
                effects.audit = comments::AuditEntry{
                    0,    c.created_at,  "mod", comments::AuditAction::kApprove,
                    c.id, c.author.name, ""};
                return effects;
              });
          if (!r.ok()) ++failures;
        }
      });
    }
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  const std::string base_text = MakeComment("c_1", "t", CommentState::kHeld).text;
  auto got = (*a)->GetComment("c_1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->text, base_text + std::string(4 * kPerNode, 'x'));
  EXPECT_EQ(One(schema.url(), "SELECT COUNT(*) FROM audit"), std::to_string(4 * kPerNode));
}

TEST(PostgresStoreTest, RefusesASchemaNewerThanThisBuild) {
  PgSchema schema("future");
  ASSERT_FALSE(schema.url().empty()) << schema.error();
  { ASSERT_TRUE(PostgresStore::Open(schema.url(), 1).ok()); }
  ASSERT_EQ(One(schema.url(),
                "INSERT INTO schema_migrations (version) VALUES (999) "
                "RETURNING version"),
            "999");
  auto store = PostgresStore::Open(schema.url(), 1);
  EXPECT_EQ(store.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("999"), std::string::npos) << store.status().message();
}

TEST(PostgresStoreTest, BadArgumentsAreInvalid) {
  EXPECT_EQ(PostgresStore::Open("", 1).status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(PostgresStore::Open(TestPgUrl(), 0).status().code(),
            base::StatusCode::kInvalidArgument);
  auto bad = PostgresStore::Open("postgresql://u@127.0.0.1:5432/db?nosuchoption=1", 1);
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument) << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("nosuchoption"), std::string::npos)
      << bad.status().message();
}

// A port on 127.0.0.1 that nothing listens on (the kernel just handed it out).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

TEST(PostgresStoreTest, UnreachableServerIsUnavailableAndNamed) {
  const int port = FreePort();
  ASSERT_GT(port, 0);
  const std::string url = fmt::format("postgresql://nobody:secret@127.0.0.1:{}/nodb", port);
  auto store = PostgresStore::Open(url, 2);
  EXPECT_EQ(store.status().code(), base::StatusCode::kUnavailable);
  EXPECT_NE(store.status().message().find(fmt::format("127.0.0.1:{}", port)), std::string::npos)
      << store.status().message();
  EXPECT_EQ(store.status().message().find("secret"), std::string::npos)
      << "the password leaked: " << store.status().message();
}

TEST(PostgresStoreTest, DroppedConnectionIsReopenedOnTheNextCall) {
  PgSchema schema("dropped");
  ASSERT_FALSE(schema.url().empty()) << schema.error();
  const std::string app = fmt::format("commentd_drop_{}", getpid());
  const std::string url = testing::WithParam(schema.url(), "application_name", app);
  auto store = PostgresStore::Open(url, 1);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->InsertComment(MakeComment("c_1", "t", CommentState::kPublished)).ok());
  const std::string kill = fmt::format(
      "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
      "WHERE application_name = '{}') k",
      app);

  // The server ends the pool's only connection; a read reconnects.
  ASSERT_EQ(One(TestPgUrl(), kill), "1");
  auto got = (*store)->GetComment("c_1");
  EXPECT_TRUE(got.ok()) << got.status().ToString();

  // And a write right after a drop goes through on a fresh connection.
  ASSERT_EQ(One(TestPgUrl(), kill), "1");
  auto inserted = (*store)->InsertComment(MakeComment("c_2", "t", CommentState::kPublished));
  EXPECT_TRUE(inserted.ok()) << inserted.status().ToString();

  // A transaction too.
  ASSERT_EQ(One(TestPgUrl(), kill), "1");
  auto updated = (*store)->UpdateComment(
      "c_2", [](comments::Comment& c) -> base::Result<comments::CommentUpdateEffects> {
        c.state = CommentState::kDeleted;
        return comments::CommentUpdateEffects{};
      });
  EXPECT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(One(schema.url(), "SELECT COUNT(*) FROM comments"), "2");
}

// A second throwaway cluster of the test's own (on a free port), so that
// stopping it does not disturb the tests that share the main one.
class OwnCluster {
 public:
  OwnCluster() {
    port_ = FreePort();
    char tmpl[] = "/tmp/commentd-pg-restart-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return;
    dir_ = tmpl;
  }
  ~OwnCluster() {
    if (!dir_.empty()) (void)Run("destroy");
  }
  int Run(std::string_view verb) const {
    const std::string cmd = fmt::format(
        "COMMENTD_PG_PORT={} COMMENTD_PG_DIR={} {}/tests/postgres/cluster.sh {} "
        ">{}/cluster.out 2>&1",
        port_, dir_, COMMENTD_SOURCE_DIR, verb, dir_);
    return std::system(cmd.c_str());
  }
  std::string url() const {
    return fmt::format("postgresql://commentd_test@127.0.0.1:{}/commentd_test", port_);
  }
  std::string log() const {
    std::string out;
    for (const char* f : {"/cluster.out", "/server.log"}) {
      std::ifstream in(dir_ + f);
      out += std::string(std::istreambuf_iterator<char>(in), {});
    }
    return out;
  }
  bool ok() const { return port_ > 0 && !dir_.empty(); }

 private:
  int port_ = 0;
  std::string dir_;
};

TEST(PostgresStoreTest, ServerRestartIsUnavailableThenRecoversWithoutReopening) {
  OwnCluster cluster;
  ASSERT_TRUE(cluster.ok());
  ASSERT_EQ(cluster.Run("start"), 0) << cluster.log();
  auto opened = PostgresStore::Open(cluster.url(), 3);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  PostgresStore& store = **opened;

  int acknowledged = 0;
  for (int i = 0; i < 10; ++i) {
    auto c = store.InsertComment(
        MakeComment(fmt::format("c_before_{}", i), "t", CommentState::kPublished));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    ++acknowledged;
  }
  // Use every pooled connection, so that all of them see the stop.
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) {
    readers.emplace_back([&] { EXPECT_TRUE(store.ListThread("t").ok()); });
  }
  for (std::thread& t : readers) t.join();

  ASSERT_EQ(cluster.Run("stop"), 0) << cluster.log();
  for (int i = 0; i < 5; ++i) {
    auto c = store.InsertComment(
        MakeComment(fmt::format("c_down_{}", i), "t", CommentState::kPublished));
    ASSERT_FALSE(c.ok()) << "acknowledged while the server is down";
    EXPECT_EQ(c.status().code(), base::StatusCode::kUnavailable) << c.status().ToString();
    EXPECT_NE(c.status().message().find("postgres"), std::string::npos) << c.status().message();
    auto read = store.GetComment("c_before_0");
    EXPECT_EQ(read.status().code(), base::StatusCode::kUnavailable) << read.status().ToString();
  }
  auto update = store.UpdateComment(
      "c_before_0", [](comments::Comment&) -> base::Result<comments::CommentUpdateEffects> {
        return comments::CommentUpdateEffects{};
      });
  EXPECT_EQ(update.status().code(), base::StatusCode::kUnavailable) << update.status().ToString();

  ASSERT_EQ(cluster.Run("start"), 0) << cluster.log();
  for (int i = 0; i < 10; ++i) {
    auto c = store.InsertComment(
        MakeComment(fmt::format("c_after_{}", i), "t", CommentState::kPublished));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    ++acknowledged;
  }
  auto all = store.ListThread("t");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(static_cast<int>(all->size()), acknowledged);
  EXPECT_EQ(One(cluster.url(), "SELECT COUNT(*) FROM comments"), std::to_string(acknowledged));
  EXPECT_EQ(One(cluster.url(), "SELECT COUNT(*) FROM comments WHERE id LIKE 'c_down_%'"), "0");
}

}  // namespace
}  // namespace commentd::store

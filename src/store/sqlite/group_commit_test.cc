// GroupCommit on its own, over a real SQLite file: a lone write commits at
// once; writes queued behind a running batch run together as the next one,
// at most max_batch_writes per transaction, each isolated by its savepoint;
// the after-batch hook runs once per batch.
#include "store/sqlite/group_commit.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/test_gate.h"

namespace commentd::store::sqlite {
namespace {

using testing::WaitFor;

// A fresh directory with a database holding one table t(v INTEGER UNIQUE).
class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("group_commit_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto conn = Connection::Open((dir_ / "db").string(), 5000);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    writer_ = std::move(conn).value();
    ASSERT_TRUE(writer_->Exec("CREATE TABLE t (v INTEGER UNIQUE)").ok());
  }
  void TearDown() override {
    writer_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The values in t, in order.
  std::vector<int64_t> Values() {
    auto s = writer_->Prepare("SELECT v FROM t ORDER BY v");
    std::vector<int64_t> out;
    if (!s.ok()) return out;
    while (true) {
      auto row = s->Step();
      if (!row.ok() || !*row) break;
      out.push_back(s->Int(0));
    }
    return out;
  }

  static base::Status Insert(Connection& conn, int64_t v) {
    COMMENTD_ASSIGN_OR_RETURN(Statement s, conn.Prepare("INSERT INTO t (v) VALUES (?)"));
    s.Bind(v);
    return s.Run();
  }

  std::filesystem::path dir_;
  std::unique_ptr<Connection> writer_;
};

// Holds the writer with a write whose body waits until Release(), so that
// writes started meanwhile queue up behind it. Owned by one thread.
class Blocker {
 public:
  explicit Blocker(GroupCommit& writes) {
    thread_ = std::thread([this, &writes] {
      result_ = writes.Write([this](Connection&) -> base::Status {
        gate_.Enter();
        return base::OkStatus();
      });
    });
    gate_.WaitEntered();
  }
  ~Blocker() { (void)Release(); }

  base::Status Release() {
    gate_.Open();
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  testing::Gate gate_;
  base::Status result_ = base::InternalError("not run");
  std::thread thread_;
};

TEST_F(GroupCommitTest, ALoneWriteIsCommittedInABatchOfItsOwn) {
  int after = 0;
  GroupCommit writes(*writer_, 8, [&after] { ++after; });
  ASSERT_TRUE(writes.Write([](Connection& conn) { return Insert(conn, 1); }).ok());
  EXPECT_EQ(Values(), std::vector<int64_t>{1});
  const GroupCommitStats stats = writes.Stats();
  EXPECT_EQ(stats.writes, 1);
  EXPECT_EQ(stats.batches, 1);
  EXPECT_EQ(stats.queued, 0);
  EXPECT_EQ(after, 1);
  EXPECT_TRUE(writer_->Autocommit()) << "the batch's transaction is still open";
}

TEST_F(GroupCommitTest, QueuedWritesRunTogetherAndAFailureUndoesOnlyItsOwnWrite) {
  int after = 0;
  GroupCommit writes(*writer_, 64, [&after] { ++after; });
  Blocker blocker(writes);
  // Two good writes, one that breaks the UNIQUE constraint after inserting
  // a row of its own, one that fails by itself and one that throws.
  std::vector<std::function<base::Status(Connection&)>> bodies = {
      [](Connection& conn) { return Insert(conn, 10); },
      [](Connection& conn) -> base::Status {
        COMMENTD_RETURN_IF_ERROR(Insert(conn, 99));
        return Insert(conn, 99);
      },
      [](Connection&) { return base::InvalidArgumentError("refused"); },
      [](Connection&) -> base::Status { throw std::runtime_error("boom"); },
      [](Connection& conn) { return Insert(conn, 20); },
  };
  std::vector<base::Status> got(bodies.size(), base::InternalError("not run"));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < bodies.size(); ++i) {
    threads.emplace_back([&, i] { got[i] = writes.Write(bodies[i]); });
  }
  ASSERT_TRUE(
      WaitFor([&] { return writes.Stats().queued == static_cast<int64_t>(bodies.size()); }));
  ASSERT_TRUE(blocker.Release().ok());
  for (std::thread& t : threads) t.join();

  EXPECT_TRUE(got[0].ok()) << got[0].ToString();
  EXPECT_EQ(got[1].code(), base::StatusCode::kAlreadyExists) << got[1].ToString();
  EXPECT_EQ(got[2].code(), base::StatusCode::kInvalidArgument) << got[2].ToString();
  EXPECT_EQ(got[3].code(), base::StatusCode::kInternal) << got[3].ToString();
  EXPECT_NE(got[3].message().find("boom"), std::string::npos) << got[3].message();
  EXPECT_TRUE(got[4].ok()) << got[4].ToString();
  EXPECT_EQ(Values(), (std::vector<int64_t>{10, 20})) << "the failed write's first row was kept";
  // The blocker's batch, then all five queued writes in one.
  EXPECT_EQ(writes.Stats().batches, 2);
  EXPECT_EQ(writes.Stats().writes, 6);
  EXPECT_EQ(after, 2);
}

TEST_F(GroupCommitTest, ABatchHoldsAtMostMaxBatchWrites) {
  GroupCommit writes(*writer_, 2);
  Blocker blocker(writes);
  constexpr int kWrites = 5;
  std::vector<base::Status> got(kWrites, base::InternalError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kWrites; ++i) {
    threads.emplace_back(
        [&, i] { got[i] = writes.Write([i](Connection& conn) { return Insert(conn, i); }); });
  }
  ASSERT_TRUE(WaitFor([&] { return writes.Stats().queued == kWrites; }));
  ASSERT_TRUE(blocker.Release().ok());
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kWrites; ++i) EXPECT_TRUE(got[i].ok()) << i << ": " << got[i].ToString();
  // The blocker's batch, then 2 + 2 + 1.
  EXPECT_EQ(writes.Stats().batches, 4);
  EXPECT_EQ(Values().size(), static_cast<size_t>(kWrites));
}

}  // namespace
}  // namespace commentd::store::sqlite

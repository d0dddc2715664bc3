// What a comment costs on SqliteStore: a durable insert (one fsync'd WAL
// commit per comment, synchronous=FULL), the same from many threads at once
// (group commit), a point read, a whole-thread read, a thread page read from
// its slice and from the whole thread, and CommentService::Post end to end
// (moderation + insert). Run from any directory; the database lives in a
// fresh temporary directory.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "comments/services.h"
#include "comments/thread_page.h"
#include "store/sqlite/sqlite_store.h"

namespace commentd::store {
namespace {

// A temporary database file, removed at the end. Owned by one thread.
class TempDb {
 public:
  TempDb() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "commentd-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) dir_ = tmpl;
  }
  ~TempDb() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  std::string path() const { return dir_ + "/bench.db"; }

 private:
  std::string dir_;
};

comments::Comment MakeComment(int64_t n, const std::string& thread) {
  comments::Comment c;
  c.id = "c_bench" + std::to_string(n);
  c.thread = thread;
  c.author = {"reader", "0123456789abcdef"};
  c.text = "The delegation left Beijing without a joint statement, which says a lot.";
  c.lang = "en";
  c.state = comments::CommentState::kPublished;
  c.engine_decision = moderation::Decision::kPublish;
  c.policy_version = "bench";
  c.created_at = base::FromUnixMicros(1772323200000000 + n);
  c.decided_at = c.created_at;
  c.edit_token_hash = "hash";
  return c;
}

void BM_InsertComment(benchmark::State& state) {
  TempDb db;
  auto store = SqliteStore::Create(db.path());
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  int64_t n = 0;
  for (auto _ : state) {
    ++n;
    auto r = (*store)->InsertComment(MakeComment(n, "t" + std::to_string(n % 100)));
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
  }
}
BENCHMARK(BM_InsertComment)->UseRealTime();

// Durable inserts from state.range(0) threads at once, 200 each per
// iteration. Group commit runs the writes queued at one moment in one
// transaction with one fsync; writes_per_commit is the average batch.
void BM_InsertCommentConcurrent(benchmark::State& state) {
  TempDb db;
  auto store = SqliteStore::Create(db.path());
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  const int threads = static_cast<int>(state.range(0));
  constexpr int kPerThread = 200;
  const SqliteWriteStats before = (*store)->WriteStats();
  int64_t round = 0;
  for (auto _ : state) {
    std::atomic<bool> failed{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          const int64_t n = (round * threads + t) * kPerThread + i;
          if (!(*store)->InsertComment(MakeComment(n, "t" + std::to_string(n % 100))).ok()) {
            failed = true;
          }
        }
      });
    }
    for (std::thread& w : writers) w.join();
    ++round;
    if (failed) {
      state.SkipWithError("an insert failed");
      return;
    }
  }
  const SqliteWriteStats after = (*store)->WriteStats();
  state.SetItemsProcessed(after.writes - before.writes);
  state.counters["writes_per_commit"] =
      static_cast<double>(after.writes - before.writes) /
      static_cast<double>(std::max<int64_t>(1, after.batches - before.batches));
}
BENCHMARK(BM_InsertCommentConcurrent)
    ->Arg(1)
    ->Arg(4)
    ->Arg(16)
    ->Arg(64)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_GetComment(benchmark::State& state) {
  TempDb db;
  auto store = SqliteStore::Create(db.path());
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  for (int64_t i = 1; i <= 1000; ++i) (void)(*store)->InsertComment(MakeComment(i, "t"));
  int64_t n = 0;
  for (auto _ : state) {
    auto r = (*store)->GetComment("c_bench" + std::to_string(1 + (n++ % 1000)));
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
  }
}
BENCHMARK(BM_GetComment)->UseRealTime();

// Reading a whole thread of state.range(0) comments, as ListThread does.
void BM_ListThread(benchmark::State& state) {
  TempDb db;
  auto store = SqliteStore::Create(db.path());
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return;
  }
  for (int64_t i = 1; i <= state.range(0); ++i) {
    (void)(*store)->InsertComment(MakeComment(i, "big"));
  }
  for (auto _ : state) {
    auto r = (*store)->ListThread("big");
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ListThread)->Arg(100)->Arg(1000)->UseRealTime();

// The services over a new store in `db` (also put in `store`) with the
// default policy's engine; none, and `state` skipped, when one fails.
std::optional<comments::Services> ServicesOn(const TempDb& db, benchmark::State& state,
                                             std::shared_ptr<comments::Store>& store) {
  auto made = SqliteStore::Create(db.path());
  auto engine = moderation::Moderator::Create(moderation::Policy::Default());
  if (!made.ok() || !engine.ok()) {
    state.SkipWithError("setup failed");
    return std::nullopt;
  }
  store = std::shared_ptr<comments::Store>(std::move(*made));
  auto services = comments::Services::Create(store, std::make_shared<base::SystemClock>(), *engine);
  if (!services.ok()) {
    state.SkipWithError(services.status().ToString().c_str());
    return std::nullopt;
  }
  return *std::move(services);
}

// The first page (50 top-level comments, 5 replies under each) of a thread
// of state.range(0) comments, a quarter of them replies: state.range(1) 1
// is CommentService::ListThread (reads the page's slice), 0 is what it did
// before (the whole thread, assembled in memory).
void BM_ThreadPage(benchmark::State& state) {
  TempDb db;
  std::shared_ptr<comments::Store> shared;
  const std::optional<comments::Services> service = ServicesOn(db, state, shared);
  if (!service.has_value()) return;
  std::string last_root;
  for (int64_t i = 1; i <= state.range(0); ++i) {
    comments::Comment c = MakeComment(i, "big");
    if (i % 4 == 0) c.parent_id = last_root;
    (void)shared->InsertComment(c);
    if (i % 4 != 0) last_root = c.id;
  }
  comments::ThreadRequest request;
  request.thread = "big";
  for (auto _ : state) {
    if (state.range(1) == 1) {
      auto page = service->comments->ListThread(request);
      if (!page.ok()) state.SkipWithError(page.status().ToString().c_str());
      benchmark::DoNotOptimize(page);
    } else {
      auto all = shared->ListThread("big");
      if (!all.ok()) state.SkipWithError(all.status().ToString().c_str());
      auto page = comments::AssembleThreadPage(*all, request, std::nullopt,
                                               comments::PageBudget{500, 1024 * 1024});
      benchmark::DoNotOptimize(page);
    }
  }
}
BENCHMARK(BM_ThreadPage)
    ->Args({100, 0})
    ->Args({100, 1})
    ->Args({2000, 0})
    ->Args({2000, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_ServicePost(benchmark::State& state) {
  TempDb db;
  std::shared_ptr<comments::Store> store;
  const std::optional<comments::Services> service = ServicesOn(db, state, store);
  if (!service.has_value()) return;
  comments::PostRequest request;
  request.thread = "nk/summit";
  request.author = "reader";
  request.text = "The delegation left Beijing without a joint statement, which says a lot.";
  request.ip = "203.0.113.7";
  for (auto _ : state) {
    auto r = service->comments->Post(request);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
  }
}
BENCHMARK(BM_ServicePost)->UseRealTime();

}  // namespace
}  // namespace commentd::store

BENCHMARK_MAIN();

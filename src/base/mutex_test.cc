#include "base/mutex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace commentd::base {
namespace {

class Counter {
 public:
  void Add() EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    ++value_;
    changed_.SignalAll();
  }
  // Waits until the count reaches `n` or the deadline passes; true if reached.
  bool AwaitAtLeast(int n, std::chrono::steady_clock::time_point deadline) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    while (value_ < n) {
      if (!changed_.WaitUntil(&mu_, deadline) && value_ < n) return false;
    }
    return true;
  }
  int value() EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return value_;
  }

 private:
  Mutex mu_;
  CondVar changed_;
  int value_ GUARDED_BY(mu_) = 0;
};

TEST(MutexTest, ConcurrentAddsUnderTheLockAreNotLost) {
  Counter counter;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) counter.Add();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter.value(), 4000);
}

TEST(MutexTest, CondVarWakesAWaiterWhenTheConditionBecomesTrue) {
  Counter counter;
  std::thread adder([&] {
    for (int i = 0; i < 3; ++i) counter.Add();
  });
  EXPECT_TRUE(counter.AwaitAtLeast(3, std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  adder.join();
}

TEST(MutexTest, CondVarWaitUntilGivesUpAtTheDeadline) {
  Counter counter;
  EXPECT_FALSE(counter.AwaitAtLeast(1, std::chrono::steady_clock::now()));
}

}  // namespace
}  // namespace commentd::base

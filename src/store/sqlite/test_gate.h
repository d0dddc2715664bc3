// For the group-commit tests: WaitFor, and a Gate that holds a write in
// the middle of its batch. The
// held write calls Enter(), which blocks until the test calls Open(); the
// test first waits with WaitEntered() until the write is held, so that the
// writes it starts next queue up behind it. Header-only, tests only.
#pragma once

#include <chrono>
#include <thread>

#include "base/mutex.h"

namespace commentd::store::sqlite::testing {

// Waits (without sleeping) until `done()` holds; false if it still does not
// after a minute, which means the writer deadlocked.
template <typename Pred>
bool WaitFor(Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

// Thread-safe.
class Gate {
 public:
  void Enter() EXCLUDES(mu_) {
    base::MutexLock lock(&mu_);
    entered_ = true;
    cv_.SignalAll();
    while (!open_) cv_.Wait(&mu_);
  }
  void WaitEntered() EXCLUDES(mu_) {
    base::MutexLock lock(&mu_);
    while (!entered_) cv_.Wait(&mu_);
  }
  void Open() EXCLUDES(mu_) {
    base::MutexLock lock(&mu_);
    open_ = true;
    cv_.SignalAll();
  }

 private:
  base::Mutex mu_;
  base::CondVar cv_;
  bool entered_ GUARDED_BY(mu_) = false;
  bool open_ GUARDED_BY(mu_) = false;
};

}  // namespace commentd::store::sqlite::testing

// Mutex, MutexLock and CondVar: std::mutex and std::condition_variable with
// Clang's thread-safety annotations, so `-Wthread-safety` checks at compile
// time that every member marked GUARDED_BY(mu_) is only touched with mu_ held
// (the leveldb / abseil approach). With GCC the annotations compile to nothing
// and these are plain wrappers. The clang build of `./dev test` (build-tsan/)
// turns every thread-safety warning into an error.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define COMMENTD_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define COMMENTD_THREAD_ANNOTATION(x)
#endif

// On a class: it is a lock (a "capability").
#define CAPABILITY(name) COMMENTD_THREAD_ANNOTATION(capability(name))
// On an RAII class: it holds a capability for its lifetime.
#define SCOPED_CAPABILITY COMMENTD_THREAD_ANNOTATION(scoped_lockable)
// On a member: read or written only with `mu` held.
#define GUARDED_BY(mu) COMMENTD_THREAD_ANNOTATION(guarded_by(mu))
// On a pointer member: what it points to is read or written only with `mu` held.
#define PT_GUARDED_BY(mu) COMMENTD_THREAD_ANNOTATION(pt_guarded_by(mu))
// On a function: the caller must hold / must not hold these locks.
#define REQUIRES(...) COMMENTD_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) COMMENTD_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// On a function: it takes / gives back these locks (none named: `this`).
#define ACQUIRE(...) COMMENTD_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) COMMENTD_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
// On a function: it checks at run time that the lock is held.
#define ASSERT_CAPABILITY(x) COMMENTD_THREAD_ANNOTATION(assert_capability(x))
// On a function the analysis cannot follow; say why beside it.
#define NO_THREAD_SAFETY_ANALYSIS COMMENTD_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace commentd::base {

class CondVar;

// A std::mutex the analysis knows. Thread-safe.
class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  // Tells the analysis the caller holds the lock (for callbacks it cannot follow).
  void AssertHeld() ASSERT_CAPABILITY(this) {}

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds `mu` from construction to destruction. Thread-compatible.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() RELEASE() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// A condition variable; each wait names the Mutex it releases and retakes,
// so the analysis checks that the caller holds it (the abseil form). Thread-safe.
class CondVar {
 public:
  CondVar() = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // Releases `mu`, waits for a signal (or a spurious wakeup), retakes `mu`.
  void Wait(Mutex* mu) REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  // As Wait(), giving up at `deadline`; false when the deadline passed.
  template <typename Clock, typename Duration>
  bool WaitUntil(Mutex* mu, std::chrono::time_point<Clock, Duration> deadline) REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    const bool signalled = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return signalled;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace commentd::base

// Clock: where commentd reads the current time. It is injected into every
// class that needs "now" (edit windows, session expiry, stats), so tests move
// time with FakeClock instead of sleeping.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

#include "base/mutex.h"

namespace commentd::base {

using Time = std::chrono::system_clock::time_point;

// Microseconds since the Unix epoch: the stored form of a Time.
inline int64_t ToUnixMicros(Time t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
inline Time FromUnixMicros(int64_t micros) {
  return Time(std::chrono::duration_cast<Time::duration>(std::chrono::microseconds(micros)));
}

// "2026-11-26T16:54:20.123Z" (UTC, millisecond precision).
inline std::string FormatRfc3339(Time t) {
  const int64_t micros = ToUnixMicros(t);
  int64_t secs = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --secs;
  }
  const std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, rem / 1000);
}

// "2026-11-26": the UTC date of `t`.
inline std::string FormatDate(Time t) { return FormatRfc3339(t).substr(0, 10); }

// The source of "now". Implementations are Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Time Now() const = 0;
};

// The real wall clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  Time Now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to, for tests. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Time start) : now_(start) {}

  Time Now() const override EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return now_;
  }
  void Set(Time t) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    now_ = t;
  }
  void Advance(std::chrono::microseconds d) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable Mutex mu_;
  Time now_ GUARDED_BY(mu_);
};

}  // namespace commentd::base

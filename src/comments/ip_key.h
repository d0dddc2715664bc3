// IpKeyRing: the key that hashes readers' IP addresses. It is kept out of
// the database (a copy of the database alone cannot reverse an IP hash: IPv4
// has only 2^32 addresses, so a hash whose key sits beside it falls in
// hours) and replaced every period by a one-way ratchet: the key of period
// p+1 is a keyed BLAKE2b of the key of period p. The key file holds one
// period's key; a stolen file gives that period's key and the ones after it,
// never an earlier one, so the IP hashes of past periods stay unreadable.
// Nodes that start from the same file agree on every period's key without
// talking to each other: the period number is the Unix time divided by the
// period length.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/mutex.h"
#include "base/status.h"

namespace commentd::comments {

// Thread-safe. The clock must outlive the ring (held by shared_ptr).
class IpKeyRing {
 public:
  static constexpr std::chrono::seconds kMinPeriod{60};
  static constexpr std::chrono::seconds kMaxPeriod{366 * 24 * 60 * 60};

  // Opens the key file at `path`, or creates it (mode 0600, a random key)
  // when it does not exist. An empty `path` keeps a random key in memory only
  // (tools that never hash addresses; tests). kInvalidArgument for a period
  // outside kMinPeriod..kMaxPeriod; kPermissionDenied when the file may be
  // read or written by its group or others; kFailedPrecondition for a file
  // that is not a key file or was made for another period length; kInternal
  // when it cannot be read or written. Each message names the path.
  static base::Result<std::unique_ptr<IpKeyRing>> Open(std::string path,
                                                       std::chrono::seconds period,
                                                       std::shared_ptr<const base::Clock> clock);

  struct Keys {
    int64_t period = 0;    // the current period's number
    std::string current;   // its key (raw bytes)
    std::string previous;  // the key of period - 1; empty when unknown
  };

  // The keys in force now. Crossing into a later period ratchets forward and
  // rewrites the file (atomically, mode 0600) to hold the previous period's
  // key, so that hashes of the period just ended still match after a
  // restart, and no older key is kept anywhere. A failed rewrite keeps
  // the keys in memory and is tried again in the next period (see
  // last_write_status). A clock behind the file's period (another node ran
  // ahead) uses the file's oldest key as current, with no previous key.
  Keys Now() EXCLUDES(mu_);

  // The outcome of the last rewrite of the key file (OK when none failed).
  base::Status last_write_status() const EXCLUDES(mu_);

  // The period that contains `t`.
  static int64_t PeriodOf(base::Time t, std::chrono::seconds period);
  // The key of the period after the one `key` belongs to (one-way).
  static std::string Next(std::string_view key);

 private:
  IpKeyRing(std::string path, std::chrono::seconds period, std::shared_ptr<const base::Clock> clock,
            int64_t base_period, std::string base_key);

  // Writes `base_period_` and `base_key_` to `path_`.
  base::Status WriteFile() const REQUIRES(mu_);

  const std::string path_;
  const std::chrono::seconds period_;
  const std::shared_ptr<const base::Clock> clock_;

  mutable base::Mutex mu_;
  // The oldest key held: the period before the current one once Now() ran.
  int64_t base_period_ GUARDED_BY(mu_);
  std::string base_key_ GUARDED_BY(mu_);
  base::Status write_status_ GUARDED_BY(mu_);
};

}  // namespace commentd::comments

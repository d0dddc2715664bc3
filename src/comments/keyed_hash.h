// KeyedHasher: every keyed hash commentd stores instead of a secret or an
// address. Tokens (edit tokens, sessions), idempotency keys and comment texts
// are hashed with the site key, kept in the store; IP addresses with the
// IpKeyRing's key of the current period, kept out of the database. A domain
// string separates the uses, so one key never yields the same hash for two.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"
#include "comments/ip_key.h"
#include "comments/service_options.h"
#include "comments/store.h"

namespace commentd::comments {

// An address hashed under the IP keys in force at one moment.
struct IpHashes {
  std::string current;   // as stored in Author::ip_hash, bans and reports; empty for no address
  std::string previous;  // under the previous period's key; empty when unknown
};

// Thread-safe (the key ring locks itself; the site key is immutable).
class KeyedHasher {
 public:
  // Loads or creates the site key (options.site_key, else the store's
  // "site_key" setting) and opens the IP key file (IpKeyRing::Open's errors).
  // kInvalidArgument for a site key of the wrong size; the store's error if
  // the setting cannot be read.
  static base::Result<std::unique_ptr<KeyedHasher>> Create(Store& store,
                                                           std::shared_ptr<const base::Clock> clock,
                                                           const ServiceOptions& options);

  // Hex keyed hash of `data` under the site key, for the use `domain`
  // ("edit", "session", "idempotency", ...).
  std::string Hash(std::string_view domain, std::string_view data) const;

  // `ip` (an address key, see http/client_address.h) under the current and
  // the previous period's IP key, both from one look at the key ring.
  IpHashes HashIp(std::string_view ip) const;

  // The repetition key of a text from its lexical view (text::Normalizer):
  // the keyed hash of its ASCII letters and digits and its non-ASCII bytes,
  // or empty when fewer than `min_bytes` of them remain.
  std::string TextHash(std::string_view lexical, size_t min_bytes) const;

  // Whether the IP key file's last rotation could be written (the keys go
  // on in memory either way; see IpKeyRing::Now). For the server's log.
  base::Status ip_key_file_status() const { return ip_keys_->last_write_status(); }

 private:
  KeyedHasher(std::string site_key, std::unique_ptr<IpKeyRing> ip_keys)
      : site_key_(std::move(site_key)), ip_keys_(std::move(ip_keys)) {}

  const std::string site_key_;                // raw bytes
  const std::unique_ptr<IpKeyRing> ip_keys_;  // Thread-safe itself
};

// 32 random bytes, URL-safe base64 without padding: edit, session and CSRF tokens.
std::string RandomToken();

// Equality of two secrets in time that depends only on their length; false
// when either is empty.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace commentd::comments

// AccountService: the people who moderate. ModeratorAccounts with argon2id
// password hashes, logins that open Sessions, and the CSRF check of a
// session's writes. Adding or removing an account is written to the audit
// log with the `actor` that did it (a moderator account, or "cli").
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "comments/comment.h"
#include "comments/keyed_hash.h"
#include "comments/service_options.h"
#include "comments/store.h"

namespace commentd::comments {

struct LoginResult {
  std::string session_token;  // for the commentd_session cookie; not stored
  Session session;
};

// Thread-safe. The Store, Clock and KeyedHasher must outlive it (held by shared_ptr).
class AccountService {
 public:
  // kInvalidArgument for password limits below the argon2id minimum;
  // kResourceExhausted when argon2id cannot get its memory.
  static base::Result<std::unique_ptr<AccountService>> Create(
      std::shared_ptr<Store> store, std::shared_ptr<const base::Clock> clock,
      std::shared_ptr<const KeyedHasher> hasher, const ServiceOptions& options);

  // kInvalidArgument for a bad name or a password shorter than 8 bytes;
  // kAlreadyExists if the name is taken. `actor` is recorded in the audit log.
  base::Status AddAccount(std::string_view name, std::string_view password,
                          std::string_view actor = "cli");
  base::Result<std::vector<ModeratorAccount>> ListAccounts() const;
  // kNotFound if absent. Ends the account's sessions.
  base::Status RemoveAccount(std::string_view name, std::string_view actor = "cli");

  // kUnauthenticated for an unknown name or a wrong password (same message,
  // and the same work: an unknown name is verified against a dummy hash).
  base::Result<LoginResult> Login(std::string_view name, std::string_view password);
  // argon2id verifications Login has run (one per attempt with a valid name
  // shape, known or not).
  uint64_t password_verifications() const { return password_verifications_.load(); }
  // The live session for a cookie value. kUnauthenticated if unknown or expired.
  base::Result<Session> Authenticate(std::string_view session_token) const;
  // kPermissionDenied unless `csrf_token` equals the session's (constant time).
  static base::Status CheckCsrf(const Session& session, std::string_view csrf_token);
  // OK also for an unknown token.
  base::Status Logout(std::string_view session_token);

 private:
  AccountService(std::shared_ptr<Store> store, std::shared_ptr<const base::Clock> clock,
                 std::shared_ptr<const KeyedHasher> hasher, std::string dummy_password_hash,
                 const ServiceOptions& options);

  const std::shared_ptr<Store> store_;
  const std::shared_ptr<const base::Clock> clock_;
  const std::shared_ptr<const KeyedHasher> hasher_;
  const std::string dummy_password_hash_;  // argon2id of a random secret
  const std::chrono::seconds session_ttl_;
  const unsigned long long password_ops_limit_;
  const size_t password_mem_limit_;
  std::atomic<uint64_t> password_verifications_{0};
};

}  // namespace commentd::comments

#include "comments/account_service.h"

#include <sodium.h>

namespace commentd::comments {
namespace {

base::Status ValidateAccountName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return base::InvalidArgumentError("name: must be 1 to 64 bytes, got {}", name.size());
  }
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return base::InvalidArgumentError("name: byte {} is not allowed; use [A-Za-z0-9._-]", i);
    }
  }
  // These spell who decided a comment in the moderator API.
  if (name == "engine" || name == "author") {
    return base::InvalidArgumentError("name: \"{}\" is reserved", name);
  }
  return base::OkStatus();
}

// argon2id of `password` in libsodium's string form; empty when out of memory.
std::string HashPassword(std::string_view password, unsigned long long ops_limit,
                         size_t mem_limit) {
  std::string hash(crypto_pwhash_argon2id_STRBYTES, '\0');
  if (crypto_pwhash_argon2id_str(hash.data(), password.data(), password.size(), ops_limit,
                                 mem_limit) != 0) {
    return "";
  }
  hash.resize(hash.find('\0'));
  return hash;
}

}  // namespace

base::Result<std::unique_ptr<AccountService>> AccountService::Create(
    std::shared_ptr<Store> store, std::shared_ptr<const base::Clock> clock,
    std::shared_ptr<const KeyedHasher> hasher, const ServiceOptions& options) {
  if (store == nullptr) return base::InvalidArgumentError("store: must not be null");
  if (clock == nullptr) return base::InvalidArgumentError("clock: must not be null");
  if (hasher == nullptr) return base::InvalidArgumentError("hasher: must not be null");
  if (sodium_init() < 0) return base::InternalError("libsodium failed to initialize");
  if (options.password_ops_limit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      options.password_mem_limit < crypto_pwhash_argon2id_MEMLIMIT_MIN) {
    return base::InvalidArgumentError("password limits: below the argon2id minimum");
  }
  // A hash of a random password that no one knows, verified against for
  // unknown names at login (see Login).
  std::string dummy_hash =
      HashPassword(RandomToken(), options.password_ops_limit, options.password_mem_limit);
  if (dummy_hash.empty()) {
    return base::ResourceExhaustedError("password limits: not enough memory for argon2id");
  }
  return std::unique_ptr<AccountService>(new AccountService(
      std::move(store), std::move(clock), std::move(hasher), std::move(dummy_hash), options));
}

AccountService::AccountService(std::shared_ptr<Store> store,
                               std::shared_ptr<const base::Clock> clock,
                               std::shared_ptr<const KeyedHasher> hasher,
                               std::string dummy_password_hash, const ServiceOptions& options)
    : store_(std::move(store)),
      clock_(std::move(clock)),
      hasher_(std::move(hasher)),
      dummy_password_hash_(std::move(dummy_password_hash)),
      session_ttl_(options.session_ttl),
      password_ops_limit_(options.password_ops_limit),
      password_mem_limit_(options.password_mem_limit) {}

base::Status AccountService::AddAccount(std::string_view name, std::string_view password,
                                        std::string_view actor) {
  COMMENTD_RETURN_IF_ERROR(ValidateAccountName(name));
  if (password.size() < 8) return base::InvalidArgumentError("password: at least 8 bytes");
  if (password.size() > 1024) return base::InvalidArgumentError("password: at most 1024 bytes");
  std::string hash = HashPassword(password, password_ops_limit_, password_mem_limit_);
  if (hash.empty()) return base::ResourceExhaustedError("password: not enough memory to hash it");
  const base::Time now = clock_->Now();
  ModeratorAccount account{std::string(name), std::move(hash), now};
  AuditEntry audit{0, now, std::string(actor), AuditAction::kModeratorAdd, "", std::string(name),
                   ""};
  return store_->InsertModerator(account, audit);
}

base::Result<std::vector<ModeratorAccount>> AccountService::ListAccounts() const {
  return store_->ListModerators();
}

base::Status AccountService::RemoveAccount(std::string_view name, std::string_view actor) {
  AuditEntry audit{
      0, clock_->Now(), std::string(actor), AuditAction::kModeratorRemove, "", std::string(name),
      ""};
  return store_->RemoveModerator(name, audit);
}

base::Result<LoginResult> AccountService::Login(std::string_view name, std::string_view password) {
  const auto denied = [] { return base::UnauthenticatedError("name or password is wrong"); };
  if (name.empty() || name.size() > 64 || password.size() > 1024) return denied();
  base::Result<ModeratorAccount> account = store_->GetModerator(name);
  if (!account.ok() && account.status().code() != base::StatusCode::kNotFound) {
    return account.status();
  }
  // An unknown name costs the same argon2id verification as a wrong
  // password (against a hash made at creation with the same limits), so the
  // answer's timing does not tell which moderator names exist.
  const std::string& hash = account.ok() ? account->password_hash : dummy_password_hash_;
  const std::string password_copy(password);  // libsodium wants a C string for the hash only
  password_verifications_.fetch_add(1, std::memory_order_relaxed);
  const bool verified = crypto_pwhash_argon2id_str_verify(hash.c_str(), password_copy.data(),
                                                          password_copy.size()) == 0;
  if (!account.ok() || !verified) return denied();
  const base::Time now = clock_->Now();
  // Housekeeping that needs no schedule: every login sweeps expired sessions.
  COMMENTD_RETURN_IF_ERROR(store_->DeleteExpiredSessions(now));
  LoginResult result;
  result.session_token = RandomToken();
  result.session.token_hash = hasher_->Hash("session", result.session_token);
  result.session.moderator = account->name;
  result.session.csrf_token = RandomToken();
  result.session.created_at = now;
  result.session.expires_at = now + session_ttl_;
  COMMENTD_RETURN_IF_ERROR(store_->InsertSession(result.session));
  return result;
}

base::Result<Session> AccountService::Authenticate(std::string_view session_token) const {
  if (session_token.empty() || session_token.size() > 256) {
    return base::UnauthenticatedError("no valid session; log in");
  }
  base::Result<Session> session = store_->GetSession(hasher_->Hash("session", session_token));
  if (!session.ok()) {
    if (session.status().code() == base::StatusCode::kNotFound) {
      return base::UnauthenticatedError("no valid session; log in");
    }
    return session.status();
  }
  if (session->expires_at <= clock_->Now()) {
    return base::UnauthenticatedError("the session expired; log in again");
  }
  return session;
}

base::Status AccountService::CheckCsrf(const Session& session, std::string_view csrf_token) {
  if (!ConstantTimeEquals(csrf_token, session.csrf_token)) {
    return base::PermissionDeniedError("X-CSRF-Token: missing or not this session's token");
  }
  return base::OkStatus();
}

base::Status AccountService::Logout(std::string_view session_token) {
  if (session_token.empty()) return base::OkStatus();
  return store_->DeleteSession(hasher_->Hash("session", session_token));
}

}  // namespace commentd::comments

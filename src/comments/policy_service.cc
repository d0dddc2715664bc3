#include "comments/policy_service.h"

#include "text/utf8.h"

namespace commentd::comments {
namespace {

// Size of a policy file a moderator may set; real ones are a few hundred bytes.
constexpr size_t kMaxPolicyBytes = 64 * 1024;

// A stored revision's policy names the revision in its version too, so that
// each verdict says which revision decided it ("newsroom-2026-11@r3").
void NameRevision(moderation::Policy& policy, int64_t revision) {
  policy.version = fmt::format("{}@r{}", policy.version, revision);
}

}  // namespace

PolicyService::PolicyService(std::shared_ptr<Store> store, std::shared_ptr<const base::Clock> clock,
                             std::shared_ptr<const moderation::Moderator> engine)
    : store_(std::move(store)), clock_(std::move(clock)), engine_(std::move(engine)) {}

std::shared_ptr<const moderation::Moderator> PolicyService::engine() const {
  base::MutexLock lock(&engine_mu_);
  return engine_;
}

void PolicyService::SetEngine(std::shared_ptr<const moderation::Moderator> engine) {
  base::MutexLock lock(&engine_mu_);
  engine_ = std::move(engine);
}

void PolicyService::SetEngineFactory(EngineFactory factory) {
  base::MutexLock lock(&policy_mu_);
  factory_ = std::move(factory);
}

base::Result<StoredPolicy> PolicyService::GetPolicy() const { return store_->GetPolicy(); }

base::Status PolicyService::Install(const moderation::Policy& policy, int64_t revision) {
  COMMENTD_ASSIGN_OR_RETURN(auto engine, factory_(policy));
  SetEngine(std::move(engine));
  policy_revision_ = revision;
  return base::OkStatus();
}

base::Result<StoredPolicy> PolicyService::SetPolicy(std::string_view actor, std::string_view toml) {
  if (toml.size() > kMaxPolicyBytes) {
    return base::InvalidArgumentError("toml: {} bytes long, at most {} allowed", toml.size(),
                                      kMaxPolicyBytes);
  }
  COMMENTD_RETURN_IF_ERROR(text::ValidateUtf8(toml).WithContext("toml"));
  base::MutexLock lock(&policy_mu_);
  if (!factory_) {
    return base::FailedPreconditionError("this node cannot build engines for policies");
  }
  // A policy that does not parse is not stored.
  COMMENTD_ASSIGN_OR_RETURN(moderation::Policy policy, moderation::Policy::FromToml(toml, "toml"));
  const base::Time now = clock_->Now();
  AuditEntry audit{0, now, std::string(actor), AuditAction::kPolicySet, "", "", ""};
  COMMENTD_ASSIGN_OR_RETURN(StoredPolicy stored, store_->InsertPolicy(toml, actor, now, audit));
  NameRevision(policy, stored.revision);
  COMMENTD_RETURN_IF_ERROR(Install(policy, stored.revision));
  return stored;
}

base::Result<int64_t> PolicyService::RefreshPolicy() {
  COMMENTD_ASSIGN_OR_RETURN(StoredPolicy stored, store_->GetPolicy());
  base::MutexLock lock(&policy_mu_);
  if (stored.revision <= policy_revision_) return policy_revision_;
  if (!factory_) {
    return base::FailedPreconditionError("this node cannot build engines for policies");
  }
  COMMENTD_ASSIGN_OR_RETURN(moderation::Policy policy,
                            moderation::Policy::FromToml(
                                stored.toml, fmt::format("policy revision {}", stored.revision)));
  NameRevision(policy, stored.revision);
  COMMENTD_RETURN_IF_ERROR(Install(policy, stored.revision));
  return policy_revision_;
}

}  // namespace commentd::comments

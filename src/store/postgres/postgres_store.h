// PostgresStore: the comments::Store kept in a PostgreSQL database, for a
// site that runs several stateless commentd nodes behind a load balancer.
// Nothing here assumes it is the only node: `seq` and audit ids come from
// identity sequences (one order across nodes), multi-row changes run in
// READ COMMITTED transactions that lock the comment row (SELECT ... FOR
// UPDATE), and the numbered migrations take a transaction-scoped advisory
// lock so that nodes starting at once apply each migration exactly once.
// Each call borrows one connection of a fixed pool (one per worker thread);
// a connection that the server dropped is re-opened on the next call.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "comments/store.h"

namespace commentd::store {

// Thread-safe.
class PostgresStore final : public comments::Store {
 public:
  // Connects to `conninfo` (a libpq URL "postgresql://user@host:port/db" or
  // "key=value" string) and applies pending migrations. `pool_size` (>= 1)
  // connections are opened as callers need them; a caller waits when all are
  // busy. kInvalidArgument for a malformed conninfo or pool_size;
  // kUnavailable if the server cannot be reached; kFailedPrecondition if the
  // schema is newer than this build knows.
  static base::Result<std::unique_ptr<PostgresStore>> Open(std::string_view conninfo,
                                                           int pool_size);
  ~PostgresStore() override;

  // The highest applied migration number.
  base::Result<int> SchemaVersion();
  // The number of migrations this build knows.
  static int LatestSchemaVersion();

  // Every method below may also return kUnavailable ("postgres: ...") when
  // the server is down or dropped the connection; the next call reconnects.
  base::Result<std::string> GetOrInsertSetting(std::string_view name,
                                               std::string_view value_if_absent) override;
  base::Result<comments::Comment> InsertComment(const comments::Comment& comment) override;
  base::Result<comments::Comment> GetComment(std::string_view id) override;
  base::Result<std::vector<comments::Comment>> ListThread(std::string_view thread) override;
  base::Result<comments::ThreadSlice> ListThreadSlice(std::string_view thread,
                                                      const std::optional<std::string>& parent,
                                                      comments::SortOrder sort,
                                                      std::optional<int64_t> after_seq,
                                                      int limit) override;
  base::Result<std::map<std::string, int64_t>> CountPublished(
      const std::vector<std::string>& threads) override;
  base::Result<comments::Comment> UpdateComment(std::string_view id,
                                                const comments::CommentMutation& mutate) override;
  base::Result<std::vector<comments::Revision>> ListRevisions(std::string_view id) override;
  base::Status AddReport(const comments::Report& report) override;
  base::Result<comments::Page<comments::Comment>> ListQueue(comments::Queue queue,
                                                            std::optional<comments::Cursor> after,
                                                            int limit) override;
  using comments::Store::IsBanned;
  base::Result<bool> IsBanned(std::string_view author_name, std::string_view author_key,
                              std::string_view ip_hash) override;
  base::Result<int64_t> CountRecentText(std::string_view text_hash, base::Time since) override;
  base::Status AppendAudit(const comments::AuditEntry& entry) override;
  base::Result<comments::Page<comments::AuditEntry>> ListAudit(
      std::optional<comments::Cursor> after, int limit) override;
  base::Result<std::vector<comments::DayStats>> Stats(base::Time from, base::Time to) override;
  base::Status InsertModerator(const comments::ModeratorAccount& account,
                               const comments::AuditEntry& audit) override;
  base::Result<comments::ModeratorAccount> GetModerator(std::string_view name) override;
  base::Result<comments::StoredPolicy> GetPolicy() override;
  base::Result<comments::StoredPolicy> InsertPolicy(std::string_view toml, std::string_view set_by,
                                                    base::Time at,
                                                    const comments::AuditEntry& audit) override;
  base::Result<std::vector<comments::ModeratorAccount>> ListModerators() override;
  base::Status RemoveModerator(std::string_view name, const comments::AuditEntry& audit) override;
  base::Status InsertSession(const comments::Session& session) override;
  base::Result<comments::Session> GetSession(std::string_view token_hash) override;
  base::Status DeleteSession(std::string_view token_hash) override;
  base::Status DeleteExpiredSessions(base::Time now) override;

  // One query each, for the request path.
  base::Result<comments::CommentDepth> GetCommentWithDepth(std::string_view id) override;
  base::Result<int64_t> CountRevisions(std::string_view id) override;
  base::Result<bool> IsWriterBanned(std::string_view author_name, std::string_view author_key,
                                    std::string_view ip_hash,
                                    std::string_view previous_ip_hash) override;

 private:
  struct Impl;
  explicit PostgresStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace commentd::store

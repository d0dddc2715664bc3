#include "store/schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "base/check.h"

namespace commentd::store::schema {
namespace {

constexpr std::string_view kStates = "'published', 'held', 'deleted'";
constexpr std::string_view kDecisions = "'publish', 'hold', 'delete'";
constexpr std::string_view kDeciders = "'engine', 'author', 'moderator'";

// One line per column. Migration 2 added comments.text_hash (the keyed hash
// of the normalized text, counted by CountRecentText); 3 the policies table
// (one row per revision a moderator set); 4 the comment_revisions table and
// comments.revision (every version of a comment's text; comments.text is
// the current one); 5 bans.author_key (the banned name as a NameKey, so a
// look-alike name is banned too; older bans keep '' and match by name).
constexpr Column kSettings[] = {
    {"name", Type::kText, 1, false, Key::kPrimary},
    {"value", Type::kBytes, 1},
};

constexpr Column kComments[] = {
    {"seq", Type::kInteger, 1, false, Key::kAutoId},
    {"id", Type::kText, 1, false, Key::kUnique},
    {"thread", Type::kText, 1},
    {"parent_id", Type::kText, 1, true, Key::kNone, "comments(id)"},
    {"author_name", Type::kText, 1},
    {"author_ip_hash", Type::kText, 1},
    {"text", Type::kText, 1},
    {"lang", Type::kText, 1},
    {"state", Type::kText, 1, false, Key::kNone, {}, false, kStates},
    {"engine_decision", Type::kText, 1, false, Key::kNone, {}, false, kDecisions},
    {"reasons", Type::kJson, 1},
    {"policy_version", Type::kText, 1},
    {"hit_link", Type::kBool, 1},
    {"hit_advertisement", Type::kBool, 1},
    {"hit_inappropriate_language", Type::kBool, 1},
    {"decided_by", Type::kText, 1, false, Key::kNone, {}, false, kDeciders},
    {"decided_by_moderator", Type::kText, 1},
    {"created_at", Type::kTime, 1},
    {"edited_at", Type::kTime, 1, true},
    {"decided_at", Type::kTime, 1},
    {"edit_token_hash", Type::kText, 1},
    {"text_hash", Type::kText, 2, false, Key::kNone, {}, false, {}, "''"},
    {"revision", Type::kInteger, 4, false, Key::kNone, {}, false, {}, "1"},
};

constexpr Column kCommentRevisions[] = {
    {"id", Type::kInteger, 4, false, Key::kAutoId},
    {"comment_id", Type::kText, 4, false, Key::kNone, "comments(id)"},
    {"number", Type::kInteger, 4},
    {"text", Type::kText, 4},
    {"lang", Type::kText, 4},
    {"engine_decision", Type::kText, 4, false, Key::kNone, {}, false, kDecisions},
    {"reasons", Type::kJson, 4},
    {"policy_version", Type::kText, 4},
    {"created_at", Type::kTime, 4},
    {"became_current", Type::kBool, 4},
};

constexpr Column kReports[] = {
    {"id", Type::kInteger, 1, false, Key::kAutoId},
    {"comment_id", Type::kText, 1, false, Key::kNone, "comments(id)"},
    {"reason", Type::kText, 1},
    {"ip_hash", Type::kText, 1},
    {"at", Type::kTime, 1},
    {"resolved", Type::kBool, 1, false, Key::kNone, {}, false, {}, "false"},
};

constexpr Column kBans[] = {
    {"id", Type::kInteger, 1, false, Key::kAutoId},
    {"author_name", Type::kText, 1},
    {"ip_hash", Type::kText, 1},
    {"moderator", Type::kText, 1},
    {"reason", Type::kText, 1},
    {"at", Type::kTime, 1},
    {"author_key", Type::kText, 5, false, Key::kNone, {}, false, {}, "''"},
};

constexpr Column kAudit[] = {
    {"id", Type::kInteger, 1, false, Key::kAutoId},
    {"at", Type::kTime, 1},
    {"moderator", Type::kText, 1},
    {"action", Type::kText, 1},
    {"comment_id", Type::kText, 1},
    {"author", Type::kText, 1},
    {"reason", Type::kText, 1},
};

constexpr Column kModerators[] = {
    {"name", Type::kText, 1, false, Key::kPrimary},
    {"password_hash", Type::kText, 1},
    {"created_at", Type::kTime, 1},
};

constexpr Column kSessions[] = {
    {"token_hash", Type::kText, 1, false, Key::kPrimary},
    {"moderator", Type::kText, 1, false, Key::kNone, "moderators(name)", true},
    {"csrf_token", Type::kText, 1},
    {"created_at", Type::kTime, 1},
    {"expires_at", Type::kTime, 1},
};

constexpr Column kPolicies[] = {
    {"revision", Type::kInteger, 3, false, Key::kPrimary},
    {"toml", Type::kText, 3},
    {"set_by", Type::kText, 3},
    {"set_at", Type::kTime, 3},
};

constexpr Table kTables[] = {
    {"settings", 1, kSettings},
    {"comments", 1, kComments},
    {"comment_revisions", 4, kCommentRevisions, "comment_id, number"},
    {"reports", 1, kReports},
    {"bans", 1, kBans},
    {"audit", 1, kAudit},
    {"moderators", 1, kModerators},
    {"sessions", 1, kSessions},
    {"policies", 3, kPolicies},
};

// One line per index.
constexpr Index kIndexes[] = {
    {"comments_by_thread", "comments", "thread, seq", 1},
    {"comments_by_state", "comments", "state, seq", 1},
    {"comments_by_created", "comments", "created_at", 1},
    {"reports_open", "reports", "comment_id", 1, Partial::kFalse, "resolved"},
    {"bans_by_name", "bans", "author_name", 1},
    {"bans_by_ip", "bans", "ip_hash", 1, Partial::kNotEmpty, "ip_hash"},
    {"sessions_by_moderator", "sessions", "moderator", 1},
    {"comments_by_text_hash", "comments", "text_hash, created_at", 2, Partial::kNotEmpty,
     "text_hash"},
    {"bans_by_key", "bans", "author_key", 5, Partial::kNotEmpty, "author_key"},
    {"comments_by_parent", "comments", "thread, parent_id, seq", 6},
};

// Steps that move data, run after the version's DDL.
struct DataStep {
  int version;
  std::string_view sqlite;
  std::string_view postgres;
};

constexpr DataStep kDataSteps[] = {
    // Comments stored before migration 4 get their text as revision 1,
    // dated when that text was written.
    {4,
     R"sql(INSERT INTO comment_revisions (comment_id, number, text, lang, engine_decision, reasons,
                               policy_version, created_at, became_current)
  SELECT id, 1, text, lang, engine_decision, reasons, policy_version,
         COALESCE(edited_at, created_at), 1
  FROM comments ORDER BY seq)sql",
     R"sql(INSERT INTO comment_revisions (comment_id, number, text, lang, engine_decision, reasons,
                               policy_version, created_at, became_current)
  SELECT id, 1, text, lang, engine_decision, reasons, policy_version,
         COALESCE(edited_at, created_at), true
  FROM comments ORDER BY seq)sql"},
};

int ComputeLatestVersion() {
  int latest = 0;
  for (const Table& t : kTables) {
    latest = std::max(latest, t.since);
    for (const Column& c : t.columns) latest = std::max(latest, c.since);
  }
  for (const Index& i : kIndexes) latest = std::max(latest, i.since);
  for (const DataStep& d : kDataSteps) latest = std::max(latest, d.version);
  return latest;
}

std::string DefaultLiteral(Dialect dialect, const Column& c) {
  if (c.type == Type::kBool && dialect == Dialect::kSqlite) {
    return c.default_value == "true" ? "1" : "0";
  }
  return std::string(c.default_value);
}

// A column's definition inside CREATE TABLE or ADD COLUMN.
std::string ColumnSql(Dialect dialect, const Column& c) {
  if (c.key == Key::kAutoId) {
    // BY DEFAULT (not ALWAYS) so that `commentd migrate` can keep the ids of
    // the site it copies; the identity's sequence is shared by every node.
    return dialect == Dialect::kSqlite
               ? fmt::format("{} INTEGER PRIMARY KEY AUTOINCREMENT", c.name)
               : fmt::format("{} BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", c.name);
  }
  std::string out = fmt::format("{} {}", c.name, TypeName(dialect, c.type));
  if (c.key == Key::kPrimary) out += " PRIMARY KEY";
  if (!c.nullable && c.key != Key::kPrimary) out += " NOT NULL";
  if (c.key == Key::kUnique) out += " UNIQUE";
  if (!c.default_value.empty()) out += " DEFAULT " + DefaultLiteral(dialect, c);
  if (!c.references.empty()) {
    out += fmt::format(" REFERENCES {}", c.references);
    if (c.cascade) out += " ON DELETE CASCADE";
  }
  if (!c.one_of.empty()) out += fmt::format(" CHECK ({} IN ({}))", c.name, c.one_of);
  return out;
}

std::string CreateTableSql(Dialect dialect, const Table& t) {
  std::string body;
  for (const Column& c : t.columns) {
    if (c.since != t.since) continue;  // added later by ALTER TABLE
    if (!body.empty()) body += ",\n";
    body += "  " + ColumnSql(dialect, c);
  }
  if (!t.unique.empty()) body += fmt::format(",\n  UNIQUE ({})", t.unique);
  return fmt::format("CREATE TABLE {} (\n{}\n)", t.name, body);
}

std::string CreateIndexSql(Dialect dialect, const Index& i) {
  std::string out = fmt::format("CREATE INDEX {} ON {} ({})", i.name, i.table, i.columns);
  switch (i.partial) {
    case Partial::kNone:
      break;
    case Partial::kNotEmpty:
      out += fmt::format(" WHERE {} <> ''", i.partial_column);
      break;
    case Partial::kFalse:
      out += " WHERE " + IsFalse(dialect, i.partial_column);
      break;
  }
  return out;
}

}  // namespace

std::span<const Table> Tables() { return kTables; }
std::span<const Index> Indexes() { return kIndexes; }

int LatestVersion() {
  static const int latest = ComputeLatestVersion();
  return latest;
}

std::string_view TypeName(Dialect dialect, Type type) {
  const bool sqlite = dialect == Dialect::kSqlite;
  switch (type) {
    case Type::kText:
    case Type::kJson:
      return "TEXT";
    case Type::kInteger:
    case Type::kTime:
      return sqlite ? "INTEGER" : "BIGINT";
    case Type::kBool:
      return sqlite ? "INTEGER" : "BOOLEAN";
    case Type::kBytes:
      return sqlite ? "BLOB" : "BYTEA";
  }
  return "TEXT";
}

std::string IsFalse(Dialect dialect, std::string_view column) {
  return dialect == Dialect::kSqlite ? fmt::format("{} = 0", column)
                                     : fmt::format("NOT {}", column);
}

std::string MigrationSql(Dialect dialect, int version) {
  COMMENTD_CHECK(version >= 1 && version <= LatestVersion());
  std::string out;
  const auto add = [&out](const std::string& statement) { out += statement + ";\n"; };
  for (const Table& t : kTables) {
    if (t.since == version) add(CreateTableSql(dialect, t));
  }
  for (const Table& t : kTables) {
    if (t.since >= version) continue;
    for (const Column& c : t.columns) {
      if (c.since == version) {
        add(fmt::format("ALTER TABLE {} ADD COLUMN {}", t.name, ColumnSql(dialect, c)));
      }
    }
  }
  for (const Index& i : kIndexes) {
    if (i.since == version) add(CreateIndexSql(dialect, i));
  }
  for (const DataStep& d : kDataSteps) {
    if (d.version == version) add(std::string(dialect == Dialect::kSqlite ? d.sqlite : d.postgres));
  }
  return out;
}

}  // namespace commentd::store::schema

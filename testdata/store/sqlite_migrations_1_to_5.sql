-- The schema migrations 1..5 exactly as commentd shipped them before the
-- schema description (src/store/schema.cc) rendered them: a database made
-- by these must equal one made by the rendered migrations.
-- migration 1
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
CREATE TABLE comments (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  thread TEXT NOT NULL,
  parent_id TEXT REFERENCES comments(id),
  author_name TEXT NOT NULL,
  author_ip_hash TEXT NOT NULL,
  text TEXT NOT NULL,
  lang TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('published', 'held', 'deleted')),
  engine_decision TEXT NOT NULL CHECK (engine_decision IN ('publish', 'hold', 'delete')),
  reasons TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  hit_link INTEGER NOT NULL,
  hit_advertisement INTEGER NOT NULL,
  hit_inappropriate_language INTEGER NOT NULL,
  decided_by TEXT NOT NULL CHECK (decided_by IN ('engine', 'author', 'moderator')),
  decided_by_moderator TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  edited_at INTEGER,
  decided_at INTEGER NOT NULL,
  edit_token_hash TEXT NOT NULL
);
CREATE INDEX comments_by_thread ON comments (thread, seq);
CREATE INDEX comments_by_state ON comments (state, seq);
CREATE INDEX comments_by_created ON comments (created_at);
CREATE TABLE reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  comment_id TEXT NOT NULL REFERENCES comments(id),
  reason TEXT NOT NULL,
  ip_hash TEXT NOT NULL,
  at INTEGER NOT NULL,
  resolved INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reports_open ON reports (comment_id) WHERE resolved = 0;
CREATE TABLE bans (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  author_name TEXT NOT NULL,
  ip_hash TEXT NOT NULL,
  moderator TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX bans_by_name ON bans (author_name);
CREATE INDEX bans_by_ip ON bans (ip_hash) WHERE ip_hash <> '';
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  moderator TEXT NOT NULL,
  action TEXT NOT NULL,
  comment_id TEXT NOT NULL,
  author TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE TABLE moderators (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  moderator TEXT NOT NULL REFERENCES moderators(name) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_moderator ON sessions (moderator);
-- migration 2
ALTER TABLE comments ADD COLUMN text_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX comments_by_text_hash ON comments (text_hash, created_at) WHERE text_hash <> '';
-- migration 3
CREATE TABLE policies (
  revision INTEGER PRIMARY KEY,
  toml TEXT NOT NULL,
  set_by TEXT NOT NULL,
  set_at INTEGER NOT NULL
);
-- migration 4
ALTER TABLE comments ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
CREATE TABLE comment_revisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  comment_id TEXT NOT NULL REFERENCES comments(id),
  number INTEGER NOT NULL,
  text TEXT NOT NULL,
  lang TEXT NOT NULL,
  engine_decision TEXT NOT NULL CHECK (engine_decision IN ('publish', 'hold', 'delete')),
  reasons TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  became_current INTEGER NOT NULL,
  UNIQUE (comment_id, number)
);
INSERT INTO comment_revisions (comment_id, number, text, lang, engine_decision, reasons,
                               policy_version, created_at, became_current)
  SELECT id, 1, text, lang, engine_decision, reasons, policy_version,
         COALESCE(edited_at, created_at), 1
  FROM comments ORDER BY seq;
-- migration 5
ALTER TABLE bans ADD COLUMN author_key TEXT NOT NULL DEFAULT '';
CREATE INDEX bans_by_key ON bans (author_key) WHERE author_key <> '';

-- 0002_identity.sql — passwords (Argon2id), history, sessions, TOTP and
-- recovery codes, scoped and expiring API tokens.

ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at TEXT;
ALTER TABLE users ADD COLUMN totp_secret BLOB;
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
-- agents limited to some units: comma-separated unit codes; NULL for all
ALTER TABLE users ADD COLUMN scope_units TEXT;

CREATE TABLE password_history (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, id);

-- created_ts / seen_ts are Unix seconds, for the idle and absolute timeouts.
CREATE TABLE sessions (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash       BLOB NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  created_ts INTEGER NOT NULL,
  seen_ts    INTEGER NOT NULL,
  ip         TEXT,
  user_agent TEXT,
  revoked_at TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE recovery_codes (
  id      INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash    BLOB NOT NULL,
  used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

ALTER TABLE api_tokens ADD COLUMN name TEXT;
ALTER TABLE api_tokens ADD COLUMN role TEXT CHECK (role IN ('admin', 'agent', 'unit'));
ALTER TABLE api_tokens ADD COLUMN expires_ts INTEGER;
-- a token confined to one unit (narrower than its user's scope), or NULL
ALTER TABLE api_tokens ADD COLUMN unit TEXT;

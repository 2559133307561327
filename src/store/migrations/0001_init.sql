-- 0001_init.sql — units, services, users, tokens, requests, events, search, audit.
-- Times are ISO 8601 UTC text ("2026-11-21T06:12:00.123Z"): they sort as text
-- and read the same in SQLite and PostgreSQL.

CREATE TABLE units (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  parent_id  INTEGER REFERENCES units(id),
  province   TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE unit_contacts (
  id      INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  title   TEXT,
  email   TEXT,
  phone   TEXT
);
CREATE INDEX unit_contacts_unit ON unit_contacts(unit_id);

CREATE TABLE services (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE users (
  id           INTEGER PRIMARY KEY,
  username     TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  email        TEXT,
  phone        TEXT,
  role         TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'unit')),
  unit_id      INTEGER REFERENCES units(id),
  status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at   TEXT NOT NULL,
  CHECK (role <> 'unit' OR unit_id IS NOT NULL)
);

CREATE TABLE api_tokens (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash       BLOB NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);

-- Per-day request code sequence (day = yymmdd, Asia/Ho_Chi_Minh).
CREATE TABLE code_seq (
  day  TEXT PRIMARY KEY,
  last INTEGER NOT NULL CHECK (last BETWEEN 1 AND 999999)
);

CREATE TABLE requests (
  id              INTEGER PRIMARY KEY,
  code            TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL CHECK (kind IN ('support', 'incident', 'leak', 'vulnerability')),
  unit_id         INTEGER REFERENCES units(id),
  service_id      INTEGER REFERENCES services(id),
  subject         TEXT NOT NULL,
  description     TEXT NOT NULL,
  requester_name  TEXT,
  requester_email TEXT,
  requester_phone TEXT,
  channel         TEXT NOT NULL CHECK (channel IN ('email', 'web', 'api', 'phone')),
  priority        TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  status          TEXT NOT NULL CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
  assignee_id     INTEGER REFERENCES users(id),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX requests_unit ON requests(unit_id, id);
CREATE INDEX requests_status ON requests(status, id);
CREATE INDEX requests_kind ON requests(kind, id);
CREATE INDEX requests_assignee ON requests(assignee_id, id);

CREATE TABLE events (
  id         INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests(id),
  type       TEXT NOT NULL CHECK (type IN ('created', 'message', 'note', 'status', 'assignee', 'priority')),
  actor      TEXT NOT NULL,
  at         TEXT NOT NULL,
  internal   INTEGER NOT NULL DEFAULT 0,
  direction  TEXT CHECK (direction IN ('in', 'out')),
  body       TEXT,
  old_value  TEXT,
  new_value  TEXT
);
CREATE INDEX events_request ON events(request_id, id);

-- Search text, folded (lower case, no diacritics, đ -> d) by the application
-- before it is written or queried.  One row per searchable piece.
CREATE VIRTUAL TABLE search USING fts5(
  text, request_id UNINDEXED, internal UNINDEXED, tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TABLE audit (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  object    TEXT NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);

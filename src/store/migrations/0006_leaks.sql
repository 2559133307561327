-- 0006_leaks.sql — leaked-credential monitoring: what we watch (our email
-- domains, our systems' hosts) and what was found.  A finding never holds
-- the leaked password: only a keyed hash of (account, password), the key
-- kept outside the database (docs/operations.md), for deduplication, and a
-- masked hint (first and last character, length).

CREATE TABLE leak_watch (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('domain', 'host')),
  value      TEXT NOT NULL,          -- lower case
  system     TEXT,                   -- hosts: the system's name ("DVC")
  created_at TEXT NOT NULL,
  UNIQUE (kind, value)
);

CREATE TABLE leak_findings (
  id         INTEGER PRIMARY KEY,
  dedupe     BLOB NOT NULL UNIQUE,   -- keyed BLAKE2b of account and password
  user_id    INTEGER REFERENCES users(id),   -- NULL: an unknown mailbox
  unit_id    INTEGER REFERENCES units(id),   -- NULL: the triage queue
  account    TEXT NOT NULL,          -- username, or the leaked address
  verdict    TEXT NOT NULL CHECK (verdict IN ('valid_now', 'old_password', 'different',
                                              'unknown_mailbox')),
  hint       TEXT NOT NULL,
  source     TEXT NOT NULL,
  system     TEXT,
  request_id INTEGER REFERENCES requests(id),
  found_at   TEXT NOT NULL
);
CREATE INDEX leak_findings_unit ON leak_findings(unit_id, id);
CREATE INDEX leak_findings_request ON leak_findings(request_id);
CREATE INDEX leak_findings_user ON leak_findings(user_id);

-- 0003_mail.sql — the email channel: messages (idempotent by Message-ID),
-- their attachments, the transactional outbox, acknowledgement rate limits.

CREATE TABLE messages (
  id          INTEGER PRIMARY KEY,
  message_id  TEXT NOT NULL UNIQUE,   -- RFC 5322 Message-ID, without <>
  request_id  INTEGER NOT NULL REFERENCES requests(id),
  direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  from_addr   TEXT,
  subject     TEXT,
  raw_blob    TEXT,                   -- SHA-256 of the raw message (raw_messages.sha256)
  secrets     INTEGER NOT NULL DEFAULT 0, -- kinds of secrets masked in the stored text
  received_at TEXT NOT NULL
);
CREATE INDEX messages_request ON messages(request_id);

-- The raw messages as received, by SHA-256: in the database rather than as
-- one file each, so that keeping them costs no file creation and no sync of
-- its own (the group commit covers them).
CREATE TABLE raw_messages (
  sha256 TEXT PRIMARY KEY,
  data   BLOB NOT NULL
);

CREATE TABLE attachments (
  id           INTEGER PRIMARY KEY,
  message_id   INTEGER NOT NULL REFERENCES messages(id),
  request_id   INTEGER NOT NULL REFERENCES requests(id),
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  blob         TEXT NOT NULL,
  dangerous    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attachments_request ON attachments(request_id);

CREATE TABLE outbox (
  id          INTEGER PRIMARY KEY,
  request_id  INTEGER NOT NULL REFERENCES requests(id),
  event_id    INTEGER REFERENCES events(id),
  kind        TEXT NOT NULL CHECK (kind IN ('ack', 'reply')),
  to_addr     TEXT NOT NULL,
  message_id  TEXT NOT NULL UNIQUE,
  in_reply_to TEXT,
  status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  next_ts     INTEGER NOT NULL,
  last_error  TEXT,
  created_at  TEXT NOT NULL,
  sent_at     TEXT
);
CREATE INDEX outbox_due ON outbox(status, next_ts);

CREATE TABLE ack_rate (
  addr  TEXT NOT NULL,
  hour  INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (addr, hour)
);

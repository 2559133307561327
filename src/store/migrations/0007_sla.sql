-- 0007_sla.sql — service levels: policies per kind and priority, the
-- business calendar (working hours, holidays entered per date), the SLA
-- clock of every request, the duty roster, and the escalations sent.
-- Times the SLA arithmetic reads are Unix seconds (integers); days are
-- local (Asia/Ho_Chi_Minh) "YYYY-MM-DD".

-- One row: the calendar and escalation settings.  `version` grows with
-- every change to hours, holidays or policies, so that connections can
-- keep a built calendar until it changes.
CREATE TABLE sla_config (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  version        INTEGER NOT NULL DEFAULT 1,
  hours          TEXT NOT NULL,             -- "mon-fri 07:30-11:30,13:00-17:00" (src/core/sla.h)
  fixed_holidays INTEGER NOT NULL DEFAULT 1, -- 1/1, 30/4, 1/5, 2/9 + adjacent day, compensated
  head_id        INTEGER REFERENCES users(id), -- the department head, told last
  head_after     INTEGER NOT NULL DEFAULT 14400 CHECK (head_after >= 0), -- seconds after a breach
  updated_at     TEXT NOT NULL
);
INSERT INTO sla_config(id, hours, updated_at)
VALUES (1, 'mon-fri 07:30-11:30,13:00-17:00', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- Dates that differ from the weekly hours.  Tết and Giỗ Tổ Hùng Vương
-- follow the lunar calendar: enter them per year as announced, with the
-- swapped working days (a Saturday worked for a bridge day).
CREATE TABLE sla_calendar (
  day  TEXT PRIMARY KEY CHECK (day GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name TEXT NOT NULL
);
INSERT INTO sla_calendar(day, kind, name) VALUES
  ('2025-01-27', 'holiday', 'Tết Nguyên đán (nghỉ hoán đổi)'),
  ('2025-01-28', 'holiday', 'Tết Nguyên đán'),
  ('2025-01-29', 'holiday', 'Tết Nguyên đán'),
  ('2025-01-30', 'holiday', 'Tết Nguyên đán'),
  ('2025-01-31', 'holiday', 'Tết Nguyên đán'),
  ('2025-02-15', 'workday', 'Làm bù ngày 27/01/2025'),
  ('2025-04-07', 'holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'),
  ('2025-04-26', 'workday', 'Làm bù ngày 02/5/2025'),
  ('2025-05-02', 'holiday', 'Nghỉ hoán đổi (làm bù 26/4/2025)'),
  ('2026-02-16', 'holiday', 'Tết Nguyên đán'),
  ('2026-02-17', 'holiday', 'Tết Nguyên đán'),
  ('2026-02-18', 'holiday', 'Tết Nguyên đán'),
  ('2026-02-19', 'holiday', 'Tết Nguyên đán'),
  ('2026-02-20', 'holiday', 'Tết Nguyên đán'),
  ('2026-04-26', 'holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'),
  ('2026-04-27', 'holiday', 'Nghỉ bù Giỗ Tổ Hùng Vương');

-- Targets in seconds: of business time when business = 1, else 24/7.
-- next_update 0: no update target.  Due soon when at most warn_pct % of a
-- target is left.
CREATE TABLE sla_policies (
  id             INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL CHECK (kind IN ('support', 'incident', 'leak', 'vulnerability')),
  priority       TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  first_response INTEGER NOT NULL CHECK (first_response > 0),
  next_update    INTEGER NOT NULL DEFAULT 0 CHECK (next_update >= 0),
  resolution     INTEGER NOT NULL CHECK (resolution > 0),
  business       INTEGER NOT NULL DEFAULT 1 CHECK (business IN (0, 1)),
  warn_pct       INTEGER NOT NULL DEFAULT 20 CHECK (warn_pct BETWEEN 0 AND 100),
  updated_at     TEXT NOT NULL,
  UNIQUE (kind, priority)
);
INSERT INTO sla_policies(kind, priority, first_response, next_update, resolution, business, updated_at)
SELECT column1, column2, column3, column4, column5, column6, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (VALUES
  ('incident', 'urgent', 900, 3600, 14400, 0),
  ('incident', 'high', 1800, 7200, 28800, 0),
  ('incident', 'normal', 7200, 14400, 57600, 1),
  ('incident', 'low', 14400, 28800, 144000, 1),
  ('leak', 'urgent', 900, 3600, 14400, 0),
  ('leak', 'high', 1800, 7200, 28800, 0),
  ('leak', 'normal', 7200, 14400, 57600, 1),
  ('leak', 'low', 14400, 28800, 144000, 1),
  ('support', 'urgent', 1800, 7200, 28800, 1),
  ('support', 'high', 3600, 14400, 57600, 1),
  ('support', 'normal', 14400, 28800, 86400, 1),
  ('support', 'low', 28800, 57600, 144000, 1),
  ('vulnerability', 'urgent', 3600, 14400, 86400, 0),
  ('vulnerability', 'high', 14400, 28800, 144000, 1),
  ('vulnerability', 'normal', 28800, 57600, 288000, 1),
  ('vulnerability', 'low', 57600, 144000, 576000, 1));

-- The SLA clock of a request, kept by the writer at every change so that
-- its state is arithmetic (src/core/sla.h, struct sla_clock).
CREATE TABLE request_sla (
  request_id        INTEGER PRIMARY KEY REFERENCES requests(id),
  policy_id         INTEGER NOT NULL REFERENCES sla_policies(id),
  started_at        INTEGER NOT NULL,           -- creation
  running_since     INTEGER,                    -- NULL while paused or stopped
  elapsed           INTEGER NOT NULL DEFAULT 0, -- business seconds before running_since
  since_update      INTEGER NOT NULL DEFAULT 0, -- the same, since the last update
  updates           INTEGER NOT NULL DEFAULT 0, -- public replies from support
  first_response_at INTEGER,
  resolved_at       INTEGER,
  open              INTEGER NOT NULL DEFAULT 1,
  paused            INTEGER NOT NULL DEFAULT 0,
  late              INTEGER NOT NULL DEFAULT 0  -- a target was missed
);
-- what evaluating the open requests reads, without touching the table
CREATE INDEX request_sla_open ON request_sla(request_id, policy_id, running_since, elapsed,
  since_update, paused, late, updates, first_response_at) WHERE open = 1;

-- Requests that exist already: started at creation, responded at their
-- first public reply, stopped when resolved (nothing counted as late).
INSERT INTO request_sla(request_id, policy_id, started_at, running_since, first_response_at,
                        resolved_at, open, paused, updates)
SELECT r.id, p.id, CAST(strftime('%s', r.created_at) AS INTEGER),
       CASE WHEN r.status IN ('new', 'open') THEN CAST(strftime('%s', r.created_at) AS INTEGER) END,
       (SELECT CAST(strftime('%s', min(e.at)) AS INTEGER) FROM events e
        WHERE e.request_id = r.id AND e.type = 'message' AND e.direction = 'out'),
       CASE WHEN r.status IN ('resolved', 'closed') THEN CAST(strftime('%s', r.updated_at) AS INTEGER) END,
       r.status NOT IN ('resolved', 'closed'), r.status = 'pending',
       (SELECT count(*) FROM events e WHERE e.request_id = r.id AND e.type = 'message'
        AND e.direction = 'out')
FROM requests r JOIN sla_policies p ON p.kind = r.kind AND p.priority = r.priority;

-- Who is on duty when: primary and backup take the calls, the lead is
-- told of breaches.  Shifts may overlap.
CREATE TABLE duty_shifts (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  role       TEXT NOT NULL CHECK (role IN ('primary', 'backup', 'lead')),
  starts     INTEGER NOT NULL,
  ends       INTEGER NOT NULL,
  note       TEXT,
  created_at TEXT NOT NULL,
  CHECK (ends > starts)
);
CREATE INDEX duty_shifts_time ON duty_shifts(ends, starts);

-- Escalations sent: one per request, target, level and cycle (the number
-- of updates given before it, for the repeating next-update target), so
-- that a tick run twice sends nothing twice.
CREATE TABLE sla_escalations (
  id         INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests(id),
  target     TEXT NOT NULL CHECK (target IN ('first_response', 'next_update', 'resolution')),
  level      TEXT NOT NULL CHECK (level IN ('assignee', 'lead', 'head')),
  cycle      INTEGER NOT NULL,
  user_id    INTEGER REFERENCES users(id),
  to_addr    TEXT,
  due        INTEGER NOT NULL,
  at         TEXT NOT NULL,
  UNIQUE (request_id, target, level, cycle)
);

-- Escalation mail goes through the outbox like any other: the kind list
-- grows by 'escalation' (SQLite cannot alter a CHECK: rebuild the table).
CREATE TABLE outbox_new (
  id          INTEGER PRIMARY KEY,
  request_id  INTEGER NOT NULL REFERENCES requests(id),
  event_id    INTEGER REFERENCES events(id),
  kind        TEXT NOT NULL CHECK (kind IN ('ack', 'reply', 'escalation')),
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
INSERT INTO outbox_new SELECT id, request_id, event_id, kind, to_addr, message_id, in_reply_to,
  status, attempts, next_ts, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(status, next_ts);

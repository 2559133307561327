-- 0004_incidents.sql — incident handling: the incident record of a request
-- of kind 'incident', observables found in its messages, tasks, and links
-- between requests (parent/child campaigns, duplicates, shared observables).

CREATE TABLE incidents (
  request_id       INTEGER PRIMARY KEY REFERENCES requests(id),
  category         TEXT NOT NULL CHECK (category IN ('malware', 'account_compromise', 'impersonation',
                     'data_leak', 'vuln_exploit', 'defacement', 'dos', 'other')),
  severity         TEXT CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  detected_at      INTEGER,            -- Unix seconds: the reporting deadlines run from it
  affected_systems TEXT,               -- free text: names, addresses, versions
  affected_units   TEXT,               -- unit codes, comma-separated
  impact           TEXT,
  measures         TEXT,               -- measures taken so far
  cause            TEXT,               -- cause, once known
  resolved_at      INTEGER,            -- Unix seconds: when the incident was handled
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX incidents_category ON incidents(category, request_id);
CREATE INDEX incidents_detected ON incidents(detected_at);

-- Observables of any request: values are stored normalised (refanged, lower
-- case where case does not matter, phone numbers as 0xxxxxxxxx) so that
-- equal values compare equal.
CREATE TABLE observables (
  id         INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES requests(id),
  type       TEXT NOT NULL CHECK (type IN ('ipv4', 'ipv6', 'domain', 'url', 'email', 'md5', 'sha1',
               'sha256', 'cve', 'phone', 'zalo')),
  value      TEXT NOT NULL,
  source     TEXT NOT NULL CHECK (source IN ('auto', 'manual')),
  created_at TEXT NOT NULL,
  UNIQUE (request_id, type, value)
);
CREATE INDEX observables_value ON observables(type, value);

-- Observable values removed by hand: automatic extraction does not bring
-- them back on the next message.
CREATE TABLE observables_ignored (
  request_id INTEGER NOT NULL REFERENCES requests(id),
  type       TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (request_id, type, value)
);

-- Links between requests, one row per pair:
--   parent             dst_id is the parent (campaign) of src_id
--   duplicate          src_id is a duplicate merged into dst_id
--   shares_observable  src_id (the later) shares an observable with dst_id
CREATE TABLE request_links (
  id         INTEGER PRIMARY KEY,
  src_id     INTEGER NOT NULL REFERENCES requests(id),
  dst_id     INTEGER NOT NULL REFERENCES requests(id),
  relation   TEXT NOT NULL CHECK (relation IN ('parent', 'duplicate', 'shares_observable')),
  created_at TEXT NOT NULL,
  CHECK (src_id <> dst_id),
  UNIQUE (src_id, dst_id, relation)
);
CREATE INDEX request_links_dst ON request_links(dst_id);

CREATE TABLE incident_tasks (
  id          INTEGER PRIMARY KEY,
  request_id  INTEGER NOT NULL REFERENCES requests(id),
  title       TEXT NOT NULL,
  assignee_id INTEGER REFERENCES users(id),
  due         TEXT,                   -- ISO 8601 date or time
  done        INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX incident_tasks_request ON incident_tasks(request_id, id);

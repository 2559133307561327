-- 0005_public.sql — the public side: the registry of official contacts
-- (what the verification page compares a caller's number or address
-- against) and announcements on the public home page.

-- Phone numbers and addresses are stored normalised (src/core/contact.c):
-- phone '02462764300', extension '88617', email lower-case.  A staff row
-- without a phone number is reached through any official switchboard.
CREATE TABLE official_contacts (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('mailbox', 'phone', 'staff')),
  label        TEXT NOT NULL,
  email        TEXT,
  phone        TEXT,
  extension    TEXT,
  display_name TEXT,
  active       INTEGER NOT NULL DEFAULT 1,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  CHECK (email IS NOT NULL OR phone IS NOT NULL OR extension IS NOT NULL)
);
CREATE INDEX official_contacts_email ON official_contacts(email);
CREATE INDEX official_contacts_phone ON official_contacts(phone, extension);

-- The channels of the public notice on support contacts (seed 000): the
-- support mailbox, the switchboard and its support extensions.
INSERT INTO official_contacts(kind, label, email, phone, extension, created_at, updated_at)
VALUES
  ('mailbox', 'Hộp thư hỗ trợ công nghệ thông tin', 'hotrocntt@vst.gov.vn', NULL, NULL,
   strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('phone', 'Tổng đài Kho bạc Nhà nước', NULL, '02462764300', NULL,
   strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
INSERT INTO official_contacts(kind, label, phone, extension, created_at, updated_at)
SELECT 'phone', 'Máy lẻ hỗ trợ ' || x.e, '02462764300', x.e,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (SELECT '88617' AS e UNION ALL SELECT '88618' UNION ALL SELECT '88323'
      UNION ALL SELECT '88608' UNION ALL SELECT '88610' UNION ALL SELECT '88403'
      UNION ALL SELECT '88613' UNION ALL SELECT '88397') x;

CREATE TABLE announcements (
  id           INTEGER PRIMARY KEY,
  title        TEXT NOT NULL,
  body         TEXT NOT NULL,
  published_at TEXT NOT NULL,   -- shown from this time on
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX announcements_published ON announcements(published_at);

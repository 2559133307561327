-- 0009_incident_reports.sql — the reports of Circular 20/2017/TT-BTTTT:
-- when each was sent (the deadlines run from detection and from the end of
-- the response), and the forms' other fields as a JSON object.

ALTER TABLE incidents ADD COLUMN initial_reported_at INTEGER; -- Unix seconds
ALTER TABLE incidents ADD COLUMN final_reported_at INTEGER;   -- Unix seconds
ALTER TABLE incidents ADD COLUMN report TEXT;                 -- JSON object, see docs/api.md

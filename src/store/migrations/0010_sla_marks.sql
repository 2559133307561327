-- 0010_sla_marks.sql — what each open request has been escalated for, on its
-- SLA clock row, so that an escalation tick over many open requests decides
-- in memory which still need one: esc_mark = (key << 3) | levels, key =
-- cycle * 4 + target + 1 (target 0 first response, 1 next update,
-- 2 resolution), levels 1 assignee, 2 lead, 4 head; 0 = none recorded.
-- sla_escalations stays the record (its unique key makes sending once).
ALTER TABLE request_sla ADD COLUMN esc_mark INTEGER NOT NULL DEFAULT 0;
DROP INDEX request_sla_open;
CREATE INDEX request_sla_open ON request_sla(request_id, policy_id, running_since, elapsed,
  since_update, paused, late, updates, first_response_at, esc_mark) WHERE open = 1;

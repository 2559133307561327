/*
 * leaks_notice.h — the texts of a leak request: its subject, the agents'
 * description, and the notice to the unit (Vietnamese first, then
 * English), from the masked findings of one unit.
 *
 * Pure: JSON in, malloc'd text out.  The findings never carry a password,
 * only its masked hint; accounts are masked here before they are written.
 */
#pragma once

#include <jansson.h>

/*
 * Compose the three texts for `unit` (code, or NULL for the triage queue)
 * and its findings [{"account","verdict","hint","system"}].  Matches the
 * compose() hook of struct leak_record_in; `arg` is unused.  0 or -ENOMEM;
 * the caller frees the texts.
 */
int leaks_notice_compose(void *arg, const char *unit, const char *unit_name, const char *source,
			 const json_t *findings, char **ret_subject, char **ret_description,
			 char **ret_notice);

/* Vietnamese and English labels of a verdict; borrowed static strings. */
const char *leaks_verdict_vi(const char *verdict);
const char *leaks_verdict_en(const char *verdict);

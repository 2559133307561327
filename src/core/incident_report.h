/*
 * incident_report.h — the incident report forms of Circular
 * 20/2017/TT-BTTTT as printable HTML, in Vietnamese: the initial report
 * ("Báo cáo ban đầu sự cố mạng", annex form 03) and the final report
 * ("Báo cáo kết thúc ứng phó sự cố", annex form 04), filled from the
 * incident, with the reporting deadline clock and the observables.
 *
 * Every value from the request is HTML-escaped: a hostile subject stays
 * text.  The page is self-contained (inline CSS, no script), A4.
 *
 * Pure: JSON in, text out.
 */
#pragma once

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

enum report_form { REPORT_INITIAL, REPORT_FINAL };

/* "initial" / "final" → the form, or -1. */
int report_form_parse(const char *s);

/*
 * The form for `req` (as GET /api/v1/requests/{code}, with "incident"),
 * its `unit` (as GET /api/v1/units/{code}, or NULL), our team's name `org`,
 * at `now` (Unix seconds: the report's date).  Returns a NUL-terminated
 * string the caller frees, or NULL when out of memory.
 */
char *report_html(const json_t *req, const json_t *unit, const char *org, enum report_form form,
		  int64_t now);

/* Append s HTML-escaped (& < > " ') to f; newlines become <br>. */
void report_escape(FILE *f, const char *s);

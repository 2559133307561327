/*
 * incident.h — the domain rules of incident handling: categories and
 * severities, the reporting deadlines of Circular 20/2017/TT-BTTTT counted
 * from detection, times in Vietnam's zone, and the first guess of a
 * category from the words of a report.
 *
 * Pure: no I/O, no globals.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum inc_category {
	INC_MALWARE,            /* malware, info-stealers */
	INC_ACCOUNT_COMPROMISE, /* leaked or taken-over accounts */
	INC_IMPERSONATION,      /* phishing, impersonation of support staff */
	INC_DATA_LEAK,
	INC_VULN_EXPLOIT,
	INC_DEFACEMENT,
	INC_DOS,
	INC_OTHER,
	INC__COUNT
};

enum inc_severity { SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL, SEV__COUNT };

/* Names as stored and in the API ("malware"); NULL when out of range. */
const char *inc_category_name(enum inc_category c);
/* Labels for people, Vietnamese or English (lang "en"). */
const char *inc_category_label(enum inc_category c, const char *lang);
int inc_category_parse(const char *s); /* -1 when unknown */
const char *inc_severity_name(enum inc_severity s);
const char *inc_severity_label(enum inc_severity s, const char *lang);
int inc_severity_parse(const char *s);

/*
 * Reporting deadlines (Circular 20/2017/TT-BTTTT, art. 11 and annexes 03,
 * 04): the initial report is due INC_INITIAL_REPORT_S after detection; the
 * final report INC_FINAL_REPORT_S after the response ends (resolution).
 * A deadline is "due_soon" within INC_DUE_SOON_S of it.
 */
#define INC_INITIAL_REPORT_S (5 * 86400)
#define INC_FINAL_REPORT_S (5 * 86400)
#define INC_DUE_SOON_S (24 * 3600)

enum inc_deadline_state { DL_NONE, DL_OK, DL_DUE_SOON, DL_OVERDUE, DL_MET, DL_LATE };

/*
 * The state of a deadline `due` (0: none, e.g. not resolved yet) at `now`
 * for a report sent at `done` (0: not sent): met / late once sent, else ok,
 * due_soon or overdue.
 */
enum inc_deadline_state inc_deadline_state(int64_t due, int64_t done, int64_t now);
const char *inc_deadline_name(enum inc_deadline_state s); /* "ok", "due_soon"... ; NULL for none */
const char *inc_deadline_label(enum inc_deadline_state s, const char *lang);

/* Our team's name in exports when none is configured ($UNGCUU_ORG, --org). */
#define INC_ORG_DEFAULT "Đội ứng cứu sự cố an toàn thông tin mạng"

#define INC_TIME_SIZE 32

/* "2026-11-21T15:12:00+07:00" (Vietnam, no daylight saving). */
void inc_time_iso(int64_t t, char buf[INC_TIME_SIZE]);
/* "21/11/2026 15:12" for forms. */
void inc_time_vn(int64_t t, char buf[INC_TIME_SIZE]);
/*
 * Parse ISO 8601: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z",
 * "±HH:MM" or no zone (then Vietnam time), years 1970 to 9000, not before
 * 1970-01-01T00:00Z.  Returns 0 with *ret set, or -1.
 */
int inc_time_parse(const char *s, int64_t *ret);

/* Whether a mail subject announces an incident: "[TBSC]" (thông báo sự
 * cố, the tag the circular's forms ask for), after any "Re:"/"Fwd:". */
bool inc_subject_is_report(const char *subject);

/* A first guess of the category from a report's words (subject and
 * body, any case, with or without diacritics); INC_OTHER when nothing
 * matches. */
enum inc_category inc_category_guess(const char *text, size_t len);

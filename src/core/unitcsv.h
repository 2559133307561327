/*
 * unitcsv.h — the unit import file: CSV records (core/csvrec) to units
 * (struct unit_in of store/store.h), every line checked, every error kept
 * with its line number.  Used by `ungcuu unit import` and by
 * POST /api/v1/units/import; only a file without errors is imported.
 *
 * Columns (header row required, any order, names case-insensitive):
 *   code, name                       required
 *   parent, province                 optional
 *   contact_name, contact_title,
 *   contact_email, contact_phone     optional: one focal-point contact
 * A code may appear on several lines to list several contacts; its name,
 * parent and province on the later lines must be empty or the same.
 *
 * Pure: no I/O; memory bounded by csvrec's limits.
 */
#pragma once

#include <stddef.h>

#include "store/store.h"

#define UNITCSV_ERRORS_MAX 50 /* errors kept; more are only counted */

struct unitcsv_error {
	size_t line;      /* 1-based; 0 when the message names it ("line 7: ...") */
	char message[240];
};

struct unitcsv {
	struct unit_in *units; /* n units, strings owned by this struct */
	size_t n;
	size_t *lines;         /* first line of each unit */
	int errors;            /* every error found */
	size_t nkept;          /* errors kept in error[] */
	struct unitcsv_error error[UNITCSV_ERRORS_MAX];
	/* private */
	int col[8];
	size_t ncols, cap;
	char **owned;
	size_t nowned, capowned;
};

/*
 * Parse buf[0..len) into *u (zeroed by the call).  Returns 0 — look at
 * u->errors: only a file without errors may be imported — or -ENOMEM.
 * Release with unitcsv_clear() in both cases.
 */
int unitcsv_parse(const char *buf, size_t len, struct unitcsv *u);
void unitcsv_clear(struct unitcsv *u);

/* The first line of unit `code` in the file, 0 when not there. */
size_t unitcsv_line_of(const struct unitcsv *u, const char *code);

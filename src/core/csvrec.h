/*
 * csvrec.h - RFC 4180 CSV records for the unit import.
 *
 * A thin layer over libcsv (whose functions own the csv_ prefix, hence the
 * name) that turns a buffer into whole records with the physical line each
 * one starts on, enforces size limits, and rejects what an import must not
 * store: NUL bytes, invalid UTF-8, unbalanced quotes.
 *
 * Accepted: an optional UTF-8 BOM, CRLF or LF line ends (a lone CR also ends
 * a line), quoted fields holding commas, doubled quotes and line breaks.
 * Fully empty lines are skipped. Nothing is trimmed: "a , b" yields "a " and
 * " b". Pure: no I/O, no global state; memory is bounded by the limits.
 */
#ifndef CSVREC_H
#define CSVREC_H

#include <stddef.h>

#define CSVREC_FIELD_MAX   4096         /* bytes in one field */
#define CSVREC_FIELDS_MAX  64           /* fields in one record */
#define CSVREC_RECORDS_MAX 100000       /* records in one buffer */

/* A zero member means the default above. */
struct csvrec_limits {
	size_t max_field;
	size_t max_fields;
	size_t max_records;
};

/*
 * Called once per record. line is the 1-based physical line the record
 * starts on. fields[0..nfields) are NUL-terminated (no field holds a NUL),
 * valid UTF-8 and borrowed: they may be modified in place (to trim, say) but
 * are valid only during the call. nfields is at least 1. A non-zero return
 * stops parsing and becomes csvrec_parse()'s result.
 */
typedef int (*csvrec_cb)(size_t line, char **fields, size_t nfields,
			 void *arg);

/*
 * Parse buf[0..n) (need not be NUL-terminated) and call cb for each record.
 * lim may be NULL for the defaults. On a format or limit error, a message
 * naming the line ("line 7: invalid UTF-8 in field 3") is written to errbuf
 * (truncated to errlen; errbuf may be NULL when errlen is 0). Errors about
 * a field's content or a record's size name the line the record starts on;
 * a misplaced quote names its own line. errbuf is empty on success and when
 * the callback stopped the parse.
 *
 * Returns 0, the callback's non-zero value, -EINVAL on bad input or -ENOMEM.
 * Records delivered before an error stay delivered.
 */
int csvrec_parse(const char *buf, size_t n, const struct csvrec_limits *lim,
		 csvrec_cb cb, void *arg, char *errbuf, size_t errlen);

#endif /* CSVREC_H */

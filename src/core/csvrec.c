/*
 * csvrec.c - RFC 4180 CSV records on top of libcsv.
 *
 * libcsv does the quoting; it reports fields and record ends through
 * callbacks but says nothing about positions. We therefore feed it one
 * physical line at a time (and long lines in chunks): a record can only end
 * on a CR or LF outside quotes, which is always the last byte of a slice, so
 * the current line is known whenever a callback fires. Because the space
 * callback below never reports a blank, any byte other than CR or LF starts
 * a record, which tells us the line a record starts on.
 *
 * Fields of the current record are copied into one growing arena; libcsv's
 * own field buffer is checked after each slice so that an endless quoted
 * field cannot grow it far beyond the field limit.
 */
#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "csvrec.h"

#define CSVREC_SLICE 16384      /* most bytes handed to libcsv at once */
#define CSVREC_BLK   128        /* libcsv field buffer growth step */

struct csvrec_ctx {
	struct csvrec_limits lim;
	csvrec_cb cb;
	void *arg;
	char *errbuf;
	size_t errlen;

	size_t line;            /* line of the bytes being fed */
	size_t start;           /* line the current record starts on */
	int in_record;
	size_t nrecords;

	char *data;             /* fields of the current record, NUL-separated */
	size_t len, cap;
	size_t *offs;           /* offset of each field in data */
	char **fields;          /* built from offs when the record ends */
	size_t nfields, fcap;

	int rc;                 /* first error or callback result; sticky */
};

static void fail(struct csvrec_ctx *x, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct csvrec_ctx *x, int rc, const char *fmt, ...)
{
	va_list ap;

	if (x->rc)
		return;
	x->rc = rc;
	if (x->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(x->errbuf, x->errlen, fmt, ap);
	va_end(ap);
}

/* Nothing is a blank: keep every byte and make "a" ,b a strict error. */
static int never_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int grow(struct csvrec_ctx *x, size_t field_len)
{
	if (x->nfields == x->fcap) {
		size_t cap = x->fcap ? 2 * x->fcap : 16;
		size_t *offs;
		char **fields;

		if (cap > x->lim.max_fields)
			cap = x->lim.max_fields;
		offs = realloc(x->offs, cap * sizeof(*offs));
		if (!offs)
			return -ENOMEM;
		x->offs = offs;
		fields = realloc(x->fields, cap * sizeof(*fields));
		if (!fields)
			return -ENOMEM;
		x->fields = fields;
		x->fcap = cap;
	}
	if (x->cap - x->len < field_len + 1) {
		size_t cap = x->cap ? x->cap : 256;
		char *data;

		while (cap - x->len < field_len + 1)
			cap *= 2;
		data = realloc(x->data, cap);
		if (!data)
			return -ENOMEM;
		x->data = data;
		x->cap = cap;
	}
	return 0;
}

static void on_field(void *field, size_t len, void *arg)
{
	struct csvrec_ctx *x = arg;
	size_t k = x->nfields + 1;

	if (x->rc)
		return;
	if (x->nfields == x->lim.max_fields) {
		fail(x, -EINVAL, "line %zu: more than %zu fields", x->start,
		     x->lim.max_fields);
		return;
	}
	if (len > x->lim.max_field) {
		fail(x, -EINVAL, "line %zu: field %zu longer than %zu bytes",
		     x->start, k, x->lim.max_field);
		return;
	}
	if (memchr(field, '\0', len)) {
		fail(x, -EINVAL, "line %zu: NUL byte in field %zu", x->start, k);
		return;
	}
	if (u8_check(field, len)) {
		fail(x, -EINVAL, "line %zu: invalid UTF-8 in field %zu",
		     x->start, k);
		return;
	}
	if (grow(x, len) < 0) {
		fail(x, -ENOMEM, "out of memory");
		return;
	}
	memcpy(x->data + x->len, field, len);
	x->data[x->len + len] = '\0';
	x->offs[x->nfields++] = x->len;
	x->len += len + 1;
}

static void on_record(int term, void *arg)
{
	struct csvrec_ctx *x = arg;
	int r;

	(void)term;
	if (x->rc)
		return;
	if (x->nrecords == x->lim.max_records) {
		fail(x, -EINVAL, "line %zu: more than %zu records", x->start,
		     x->lim.max_records);
		return;
	}
	for (size_t i = 0; i < x->nfields; i++)
		x->fields[i] = x->data + x->offs[i];
	r = x->cb(x->start, x->fields, x->nfields, x->arg);
	x->nrecords++;
	x->nfields = 0;
	x->len = 0;
	x->in_record = 0;
	if (r != 0)
		x->rc = r;
}

/* Feed one slice that holds at most one CR or LF, as its last byte. */
static void feed(struct csvrec_ctx *x, struct csv_parser *p, const char *s,
		 size_t n)
{
	size_t sz;

	if (!x->in_record && s[0] != '\r' && s[0] != '\n') {
		x->in_record = 1;
		x->start = x->line;
	}
	if (csv_parse(p, s, n, on_field, on_record, x) < n) {
		if (csv_error(p) == CSV_EPARSE)
			fail(x, -EINVAL, "line %zu: misplaced quote in field %zu",
			     x->line, x->nfields + 1);
		else
			fail(x, -ENOMEM, "out of memory");
		return;
	}
	/*
	 * A field within the limit never makes libcsv grow its buffer past
	 * max_field + 1 (the closing quote) plus one growth step.
	 */
	sz = csv_get_buffer_size(p);
	if (sz > CSVREC_BLK + 1 && sz - CSVREC_BLK - 1 > x->lim.max_field)
		fail(x, -EINVAL, "line %zu: field %zu longer than %zu bytes",
		     x->start, x->nfields + 1, x->lim.max_field);
}

int csvrec_parse(const char *buf, size_t n, const struct csvrec_limits *lim,
		 csvrec_cb cb, void *arg, char *errbuf, size_t errlen)
{
	struct csvrec_ctx x = {
		.cb = cb, .arg = arg, .errbuf = errbuf, .errlen = errlen,
		.line = 1, .start = 1,
	};
	struct csv_parser p;
	size_t pos = 0;

	if (errbuf && errlen > 0)
		errbuf[0] = '\0';
	else
		x.errlen = 0;
	x.lim.max_field = lim && lim->max_field ? lim->max_field
						 : CSVREC_FIELD_MAX;
	x.lim.max_fields = lim && lim->max_fields ? lim->max_fields
						   : CSVREC_FIELDS_MAX;
	x.lim.max_records = lim && lim->max_records ? lim->max_records
						     : CSVREC_RECORDS_MAX;

	if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -ENOMEM;
	csv_set_space_func(&p, never_space);
	csv_set_blk_size(&p, CSVREC_BLK);

	while (pos < n && !x.rc) {
		size_t end = pos, stop = n - pos > CSVREC_SLICE
					 ? pos + CSVREC_SLICE : n;

		while (end < stop && buf[end] != '\n' && buf[end] != '\r')
			end++;
		if (end == stop) {
			feed(&x, &p, buf + pos, end - pos);
			pos = end;
			continue;
		}
		feed(&x, &p, buf + pos, end + 1 - pos);
		if (buf[end] == '\n' || end + 1 == n || buf[end + 1] != '\n')
			x.line++;
		pos = end + 1;
	}
	if (!x.rc && csv_fini(&p, on_field, on_record, &x) != 0)
		fail(&x, -EINVAL, "line %zu: unterminated quoted field",
		     x.start);

	csv_free(&p);
	free(x.data);
	free(x.offs);
	free(x.fields);
	return x.rc;
}

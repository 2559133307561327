/*
 * fuzz_csvrec.c - libFuzzer target for CSV records.
 *
 * Parses the input twice, with the defaults and with tiny limits, and checks
 * the record contract: ascending start lines, at least one field, fields
 * within the limits and valid UTF-8, an error message whenever parsing fails.
 * The first input byte picks a record after which the callback aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "core/csvrec.h"

struct state {
	const struct csvrec_limits *lim;
	size_t last_line;
	size_t records;
	size_t stop_after;
};

static void check(int ok)
{
	if (!ok)
		abort();
}

static int record(size_t line, char **fields, size_t nfields, void *arg)
{
	struct state *st = arg;

	check(line > st->last_line);
	check(nfields >= 1);
	if (st->lim)
		check(nfields <= st->lim->max_fields);
	st->last_line = line;
	for (size_t i = 0; i < nfields; i++) {
		size_t len = strlen(fields[i]);

		if (st->lim)
			check(len <= st->lim->max_field);
		check(u8_check((const uint8_t *)fields[i], len) == NULL);
	}
	if (st->lim)
		check(st->records < st->lim->max_records);
	return ++st->records == st->stop_after ? 7 : 0;
}

static void run(const char *s, size_t n, const struct csvrec_limits *lim,
		size_t stop_after)
{
	struct state st = {.lim = lim, .stop_after = stop_after};
	char err[96];
	int r = csvrec_parse(s, n, lim, record, &st, err, sizeof(err));

	check(r == 0 || r == 7 || r == -EINVAL || r == -ENOMEM);
	if (r == -EINVAL)
		check(strncmp(err, "line ", 5) == 0);
	else
		check(err[0] == '\0');
	if (r == 7)
		check(st.records == stop_after);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct csvrec_limits tiny = {
		.max_field = 8, .max_fields = 4, .max_records = 16,
	};
	const char *s = (const char *)data;

	run(s, size, NULL, 0);
	if (size > 0)
		run(s + 1, size - 1, &tiny, data[0] % 8);
	return 0;
}

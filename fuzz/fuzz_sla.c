/*
 * fuzz_sla.c - libFuzzer target for the text parsers of core/sla: times,
 * days, durations and working hours.
 *
 * Checks what they promise: a parsed day formats back to the same text; a
 * parsed time formats to a time that parses to the same instant; parsed
 * hours build a calendar (or are refused with a reason), format back to
 * text that parses to the same hours, and B(t) stays monotonic around it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sla.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	int32_t day;
	int64_t t, u, d;
	char buf[SLA_ISO_SIZE], dbuf[11], hbuf[512];
	struct sla_calendar_in in, again;
	struct sla_calendar *cal;
	const char *why;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (sla_day_parse(s, &day) == 0) {
		sla_day_format(day, dbuf);
		check(strcmp(dbuf, s) == 0);
	}
	if (sla_time_parse(s, &t) == 0) {
		sla_time_format(t, buf);
		check(sla_time_parse(buf, &u) == 0 && u == t);
	}
	if (sla_duration_parse(s, &d) == 0)
		check(d > 0);
	memset(&in, 0, sizeof(in));
	if (!sla_hours_parse(s, &in)) {
		sla_hours_format(&in, hbuf, sizeof(hbuf));
		memset(&again, 0, sizeof(again));
		check(sla_hours_parse(hbuf, &again) == NULL);
		check(!memcmp(in.nhours, again.nhours, sizeof(in.nhours)));
		if (sla_calendar_new(&in, &cal, &why) == 0) {
			int64_t base = 1795230000, prev = sla_bclock(cal, base);
			for (int i = 1; i < 200; i++) {
				int64_t b = sla_bclock(cal, base + i * 1801);
				check(b >= prev);
				prev = b;
			}
			check(sla_elapsed(cal, base, sla_add(cal, base, 3600)) == 3600);
			sla_calendar_free(cal);
		} else {
			check(why != NULL);
		}
	}
	free(s);
	return 0;
}

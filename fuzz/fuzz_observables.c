/*
 * fuzz_observables.c - libFuzzer target for indicator extraction.
 *
 * Besides memory safety it checks every result: a known type, a non-empty
 * valid UTF-8 value within the size limit, no (type, value) twice, at most
 * OBS_MAX values, and each value (but Zalo names, free text) accepted
 * unchanged by obs_normalize: extraction and hand entry agree on the
 * normal form.  The same input also goes, as hand-entered text, through
 * obs_normalize for every type (a result must be valid and stable), the
 * incident time parser and the category guess.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "core/incident.h"
#include "core/observables.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct obs_list l = { 0 };
	static char out[OBS_VALUE_MAX + 1];

	if (obs_extract((const char *)data, size, &l) < 0)
		return 0;
	check(l.n <= OBS_MAX);
	for (size_t i = 0; i < l.n; i++) {
		const char *v = l.items[i].value;
		size_t len = strlen(v);
		check(obs_type_name(l.items[i].type) != NULL);
		check(len > 0 && len <= OBS_VALUE_MAX);
		check(u8_check((const uint8_t *)v, len) == NULL);
		for (size_t k = 0; k < i; k++)
			check(l.items[k].type != l.items[i].type || strcmp(l.items[k].value, v) != 0);
		(void)obs_is_global(l.items[i].type, v);
		if (l.items[i].type != OBS_ZALO) {
			check(obs_normalize(l.items[i].type, v, out, sizeof(out)) == NULL);
			check(strcmp(out, v) == 0);
		}
	}
	obs_list_clear(&l);

	/* the input as a value typed by hand (NUL-terminated, bounded) */
	if (size <= OBS_VALUE_MAX) {
		static char in[OBS_VALUE_MAX + 1], again[OBS_VALUE_MAX + 1];
		int64_t t;
		memcpy(in, data, size);
		in[size] = '\0';
		for (int k = 0; k < OBS__COUNT; k++) {
			if (obs_normalize((enum obs_type)k, in, out, sizeof(out)))
				continue;
			check(u8_check((const uint8_t *)out, strlen(out)) == NULL);
			/* normalising the normal form changes nothing (Zalo names
			 * are free text and may hold what reads as a defanged form) */
			if (k != OBS_ZALO) {
				check(obs_normalize((enum obs_type)k, out, again, sizeof(again)) == NULL);
				check(strcmp(out, again) == 0);
			}
		}
		if (inc_time_parse(in, &t) == 0) {
			char iso[INC_TIME_SIZE];
			int64_t t2;
			check(t >= 0);
			inc_time_iso(t, iso);
			check(inc_time_parse(iso, &t2) == 0 && t2 == t);
		}
	}
	check((unsigned)inc_category_guess((const char *)data, size) < INC__COUNT);
	return 0;
}
